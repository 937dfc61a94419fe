import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import autocannon from 'autocannon';
import { freePort } from '../test/support/free-port';
import { settings } from '../../contract/settings';

// `npm run bench`: the built service against a bare Express 5 app with the same routes, side by side in
// one run on loopback (machines are noisy: the ratio is the figure to read, not the absolute numbers).

const DURATION_SECONDS = Number(process.env.BENCH_DURATION_SECONDS ?? 5);
const WARMUP_SECONDS = 1;
const CONNECTIONS = 10;
const ROUNDS = 2;
const READY_SPAWNS = 7;
/** Gap between readiness polls: fine enough to time, sparse enough not to steal the starting process's CPU. */
const POLL_MS = 5;
const TARGET_RATIO = 0.75;
const TARGET_READY_MS = 300;

const SERVICE_ENTRY = path.resolve(__dirname, '../src/server.js');
const BARE_ENTRY = path.resolve(__dirname, 'bare-server.js');
const ROUTES = ['/', settings.container.healthPath] as const;

type Target = 'service' | 'bare';

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  /** Server CPU time per request in microseconds; steadier than req/s on a shared machine. */
  cpuUs: number | undefined;
}

/** User plus system CPU time of a process in microseconds, from /proc (Linux); undefined elsewhere. */
function cpuTimeUs(pid: number): number | undefined {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux).
    return ((Number(fields[11]) + Number(fields[12])) * 1e6) / 100;
  } catch {
    return undefined;
  }
}

function start(target: Target, port: number): ChildProcess {
  const devNull = fs.openSync('/dev/null', 'w');
  const child = spawn(process.execPath, [target === 'service' ? SERVICE_ENTRY : BARE_ENTRY], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      APP_VERSION: 'bench',
    },
    stdio: ['ignore', devNull, 'inherit'],
  });
  fs.closeSync(devNull);
  return child;
}

function healthStatus(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    http
      .get({ host: '127.0.0.1', port, path: settings.container.healthPath, agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', () => resolve(undefined));
  });
}

/** Milliseconds from spawn to the first 200 on /health. */
async function timeToReady(target: Target, port: number): Promise<{ ms: number; child: ChildProcess }> {
  const started = process.hrtime.bigint();
  const child = start(target, port);
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`${target} exited with ${child.exitCode} before it was ready`);
    if ((await healthStatus(port)) === 200) {
      return { ms: Number(process.hrtime.bigint() - started) / 1e6, child };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function load(child: ChildProcess, port: number, route: string): Promise<Sample> {
  const url = `http://127.0.0.1:${port}${route}`;
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS });
  const cpuBefore = cpuTimeUs(child.pid!);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS });
  const cpuAfter = cpuTimeUs(child.pid!);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const requests = result.requests.average * DURATION_SECONDS;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    cpuUs: cpuBefore === undefined || cpuAfter === undefined ? undefined : (cpuAfter - cpuBefore) / requests,
  };
}

const cpuColumn = (runs: Sample[]): string => {
  const values = runs.map((r) => r.cpuUs);
  return values.every((v) => v !== undefined) ? mean(values).toFixed(0).padStart(10) : '       n/a';
};
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function measureReadiness(target: Target): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < READY_SPAWNS; i++) {
    const { ms, child } = await timeToReady(target, await freePort());
    times.push(ms);
    await stop(child);
  }
  return times;
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}; ${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up + ${DURATION_SECONDS} s per run; ${ROUNDS} rounds, order alternated`,
  );
  const ports: Record<Target, number> = { service: await freePort(), bare: await freePort() };
  const children: Record<Target, ChildProcess> = {
    service: (await timeToReady('service', ports.service)).child,
    bare: (await timeToReady('bare', ports.bare)).child,
  };
  const samples = new Map<string, Sample[]>();
  try {
    for (const route of ROUTES) {
      for (let round = 0; round < ROUNDS; round++) {
        const order: Target[] = round % 2 === 0 ? ['service', 'bare'] : ['bare', 'service'];
        for (const target of order) {
          const key = `${target} ${route}`;
          samples.set(key, [...(samples.get(key) ?? []), await load(children[target], ports[target], route)]);
        }
      }
    }
  } finally {
    await Promise.all(Object.values(children).map(stop));
  }

  console.log('\ntarget   route      req/s     p50 ms   p99 ms   server CPU us/req');
  const rps: Record<string, number> = {};
  for (const [key, runs] of samples) {
    const [target, route] = key.split(' ') as [Target, string];
    rps[key] = mean(runs.map((r) => r.rps));
    console.log(
      `${target.padEnd(8)} ${route.padEnd(9)} ${rps[key].toFixed(0).padStart(7)} ${mean(
        runs.map((r) => r.p50),
      )
        .toFixed(1)
        .padStart(8)} ${mean(runs.map((r) => r.p99))
        .toFixed(1)
        .padStart(8)} ${cpuColumn(runs)}`,
    );
  }
  const ratios = Object.fromEntries(
    ROUTES.map((route) => [route, rps[`service ${route}`]! / rps[`bare ${route}`]!]),
  );
  console.log('');
  for (const route of ROUTES) {
    const cpu = (target: Target): number[] =>
      samples.get(`${target} ${route}`)!.flatMap((r) => (r.cpuUs === undefined ? [] : [r.cpuUs]));
    const cpuRatio =
      cpu('bare').length > 0 && cpu('service').length > 0
        ? `; bare/service CPU per request ${((mean(cpu('bare')) / mean(cpu('service'))) * 100).toFixed(1)} %`
        : '';
    console.log(`service/bare throughput on ${route}: ${(ratios[route]! * 100).toFixed(1)} %${cpuRatio}`);
  }

  const serviceReady = await measureReadiness('service');
  const bareReady = await measureReadiness('bare');
  console.log(
    `\nspawn to first 200 on ${settings.container.healthPath}, median of ${READY_SPAWNS}: service ${median(serviceReady).toFixed(0)} ms ` +
      `(runs ${serviceReady.map((t) => t.toFixed(0)).join(', ')}), bare ${median(bareReady).toFixed(0)} ms`,
  );

  const ratioMet = ratios['/']! >= TARGET_RATIO;
  const readyMet = median(serviceReady) < TARGET_READY_MS;
  console.log(
    `\ntarget: >= ${TARGET_RATIO * 100} % of bare throughput on /: ${ratioMet ? 'met' : 'NOT met'}`,
  );
  console.log(`target: ready in < ${TARGET_READY_MS} ms: ${readyMet ? 'met' : 'NOT met'}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
