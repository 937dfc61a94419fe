import { spawn } from 'node:child_process';
import path from 'node:path';
import { settings } from '../../../../contract/settings';
import { LineSplitter } from '../../process/line-splitter';
import { HOLDING_LINE, OPEN_LINE } from './listen-gate-protocol';

/** What a task needs to start: the environment the task definition would give the container. */
export interface TaskLaunch {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  /** `METRICS_PORT`: tasks on one machine cannot all take the default. */
  readonly metricsPort: number;
  readonly version: string;
  readonly faults: string;
}

/** A running task's process, as the supervisor sees it. */
export interface TaskProcess {
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
  /** The last lines the process wrote, for stop reasons. */
  lastOutput(): string;
  /**
   * Present when the task holds its first `listen` until told: resolves true once it holds, false when it
   * exited first (e.g. a crash at start-up).
   */
  readonly holdingListen?: Promise<boolean>;
  /** Lets a holding task listen. */
  letListen?(): void;
}

export type LaunchTask = (launch: TaskLaunch) => TaskProcess;

const KEEP_LINES = 2;

/** A JSON log line reduced to its message (and error message); other lines cut to a readable length. */
export function summariseLogLine(line: string): string {
  try {
    const parsed = JSON.parse(line) as { msg?: unknown; err?: { message?: unknown } };
    if (typeof parsed.msg === 'string') {
      const err = typeof parsed.err?.message === 'string' ? `: ${parsed.err.message}` : '';
      return `${parsed.msg}${err}`.slice(0, 200);
    }
  } catch {
    // Not JSON: keep the text.
  }
  return line.slice(0, 200);
}

/** The compiled watchdog each task preloads, next to the compiled service (see exit-with-parent.ts). */
const WATCHDOG_ENTRY = 'dist/tools/src/local/ecs/exit-with-parent.js';
/** The compiled gate each task preloads so a task set's tasks listen together (see listen-gate.ts). */
const GATE_ENTRY = 'dist/tools/src/local/ecs/listen-gate.js';

/** Registers how to end a task synchronously however the rehearsal ends; returns its removal. */
export type TrackTask = (end: () => void) => () => void;

/** Another build of the service than the one in `cwd`, with the environment its task definition adds. */
export interface ServiceBuild {
  /** The folder holding the built service (`dist/app/src/server.js` inside it). */
  readonly dir: string;
  /** Environment the task definition gives the container, besides what each task sets itself. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Starts the compiled service (`dist/app/src/server.js`) as one task with the container's environment.
 * Each task preloads a watchdog that stops it when the rehearsal's end of its stdin closes (the rehearsal
 * was killed), and a gate that holds its first `listen` until the task set lets it (`letListen`); `track`
 * ends it on every other way out of the rehearsal. The watchdog and gate come from `cwd`'s compiled
 * tools; the service from `build` when given, else from `cwd`.
 */
export function serviceLauncher(
  cwd: string,
  track?: TrackTask,
  logLevel = 'warn',
  build?: ServiceBuild,
): LaunchTask {
  const entry = path.join(build?.dir ?? cwd, settings.image.entry);
  const watchdog = path.join(cwd, WATCHDOG_ENTRY);
  const gate = path.join(cwd, GATE_ENTRY);
  return (launch) => {
    const child = spawn(process.execPath, ['--require', watchdog, '--require', gate, entry], {
      cwd: build?.dir ?? cwd,
      env: {
        ...build?.environment,
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        PORT: String(launch.port),
        METRICS_PORT: String(launch.metricsPort),
        HOST: launch.host,
        APP_VERSION: launch.version,
        FAULTS: launch.faults,
        LOG_LEVEL: logLevel,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    // Only the gate's line is written: the pipe's closing tells the task the rehearsal is gone.
    child.stdin.on('error', () => undefined);
    let holding!: (held: boolean) => void;
    const holdingListen = new Promise<boolean>((resolve) => (holding = resolve));
    const untrack = track?.(() => child.kill('SIGKILL'));
    child.once('exit', () => untrack?.());
    const lines: string[] = [];
    const keep = (line: string): void => {
      if (line.trim() === HOLDING_LINE) holding(true);
      else if (line.trim() !== '') lines.push(summariseLogLine(line.trim()));
      lines.splice(0, Math.max(0, lines.length - KEEP_LINES));
    };
    const outputs = [child.stdout, child.stderr].map((stream) => {
      const splitter = new LineSplitter(keep);
      stream.on('data', (chunk: Buffer) => splitter.write(chunk));
      stream.on('end', () => splitter.end());
      return splitter;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: 127, signal: null }));
    });
    void exited.then(() => holding(false));
    return {
      exited,
      kill: (signal) => {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      },
      // The exit can come before the pipes' end: a last line without its newline is still pending then.
      lastOutput: () =>
        [
          ...lines,
          ...outputs
            .map((output) => output.pending.trim())
            .filter((line) => line !== '')
            .map(summariseLogLine),
        ]
          .slice(-KEEP_LINES)
          .join(' | '),
      holdingListen,
      letListen: () => {
        if (child.stdin.writable) child.stdin.write(`${OPEN_LINE}\n`);
      },
    };
  };
}
