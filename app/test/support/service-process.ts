import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { freePort } from './free-port';
import type { LogLine } from './test-app';

export { freePort };

/** The compiled entry, exactly what `npm start` and the image run (jest's global setup builds it). */
export const SERVER_ENTRY = path.resolve(__dirname, '../../../dist/app/src/server.js');
export const HEALTHCHECK_ENTRY = path.resolve(__dirname, '../../../dist/app/src/healthcheck.js');

/** Safety net for waits that should end on an event; it turns a hang into a readable failure. */
const WAIT_LIMIT_MS = 15_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A spawned service with its parsed stdout log. */
export class ServiceProcess {
  readonly logs: LogLine[] = [];
  stdout = '';
  stderr = '';
  readonly exited: Promise<Exit>;
  private exit: Exit | undefined;
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly child: ChildProcess,
    readonly port: number,
    /** The metrics listener's port (`METRICS_PORT`), free like `port` so tests can run side by side. */
    readonly metricsPort: number,
  ) {
    let partial = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.stdout += chunk;
      partial += chunk;
      const lines = partial.split('\n');
      partial = lines.pop()!;
      for (const line of lines) {
        if (line.trim() !== '') this.logs.push(JSON.parse(line) as LogLine);
      }
      this.notify();
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.exit = { code, signal };
        this.notify();
        resolve(this.exit);
      });
    });
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  /** Resolves with the first log line that matches, failing if the process exits first. */
  waitForLog(match: (line: LogLine) => boolean, what = 'a matching log line'): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.logs.find(match);
        if (found) {
          done();
          resolve(found);
        } else if (this.exit) {
          done();
          reject(
            new Error(
              `process exited (${JSON.stringify(this.exit)}) before ${what}:\n${this.stdout}${this.stderr}`,
            ),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${WAIT_LIMIT_MS} ms:\n${this.stdout}${this.stderr}`));
      }, WAIT_LIMIT_MS);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Resolves once the service logged that it listens. */
  ready(): Promise<LogLine> {
    return this.waitForLog((l) => l.msg.startsWith('listening on'), 'the "listening" log line');
  }

  /** Kills the process if it is still running and waits for it to go. */
  async stop(): Promise<Exit> {
    if (!this.exit) this.child.kill('SIGKILL');
    return this.exited;
  }
}

const running = new Set<ServiceProcess>();

/** Spawns the built service on free loopback ports (its own and the metrics one) with the given extra environment. */
export async function spawnService(env: Record<string, string> = {}): Promise<ServiceProcess> {
  const [port, metricsPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [SERVER_ENTRY], {
    env: {
      PATH: process.env.PATH,
      HOST: '127.0.0.1',
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      APP_VERSION: 'proc-test',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const service = new ServiceProcess(child, port, metricsPort);
  running.add(service);
  void service.exited.then(() => running.delete(service));
  return service;
}

/** Kills every service a test left running; call from afterEach. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

export interface SimpleResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One GET on a fresh connection. */
export function get(
  port: number,
  urlPath: string,
  agent: http.Agent | false = false,
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}
