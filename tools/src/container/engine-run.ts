import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { settings } from '../../../contract/settings';
import type { CommandResult } from './run-command';
import { engineCommand, globalArgs, ContainerEngineError, type Engine } from './engine-detect';

/** Running a container of the image and stopping it the way ECS does (SIGTERM, wait, SIGKILL). */

export interface RunContainerOptions {
  readonly engine: Engine;
  readonly image: string;
  /** Container name; an old container of that name is removed first. */
  readonly name: string;
  /**
   * Environment for the service (APP_VERSION, FAULTS, LOG_LEVEL…). PORT and METRICS_PORT are set from the
   * ports below.
   */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Port the service listens on inside the container. @default settings.container.port */
  readonly port?: number | undefined;
  /** Loopback port that reaches the service from the host. */
  readonly hostPort: number;
  /**
   * Loopback port that reaches the service's metrics listener from the host. Required: on the host network
   * containers share the host's ports, so two containers on the default metrics port could not both start.
   */
  readonly metricsHostPort: number;
  /** Read-only root filesystem, as in the task definition. @default true */
  readonly readOnly?: boolean | undefined;
  /** Arguments replacing the image's CMD. @default - the image's CMD (the service) */
  readonly command?: readonly string[] | undefined;
}

/** How a container ended: its exit code, or the signal that ended the engine client. */
export interface ContainerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How a stop went: the exit, how long SIGTERM took to end the container, and whether SIGKILL was needed. */
export interface StopResult extends ContainerExit {
  readonly elapsedMs: number;
  readonly forced: boolean;
}

/**
 * A container started by {@link runContainer}. Its shape includes the local rehearsal's task process
 * (`exited`, `kill`, `lastOutput`) so a container can stand in for a task.
 */
export interface ContainerHandle {
  readonly name: string;
  readonly image: string;
  readonly hostPort: number;
  /** `http://127.0.0.1:<hostPort>` */
  readonly url: string;
  /** `http://127.0.0.1:<metricsHostPort>`: the metrics listener. */
  readonly metricsUrl: string;
  /** Resolves when the container has ended. */
  readonly exited: Promise<ContainerExit>;
  /** Sends a signal to the container's main process (node, PID 1). */
  kill(signal: NodeJS.Signals): void;
  /** The container's last output lines (stdout and stderr, with the engine's own messages). */
  lastOutput(lines?: number): string;
  /** Waits for the container to end; undefined when it is still running after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<ContainerExit | undefined>;
  /** Polls the health path until it answers 200; throws when the container exits first or time runs out. */
  waitUntilHealthy(timeoutMs?: number): Promise<number>;
  /** Runs a command inside the running container. */
  exec(args: readonly string[], env?: Readonly<Record<string, string>>): Promise<CommandResult>;
  /** SIGTERM, wait up to `timeoutMs`, then SIGKILL; then removes the container. */
  stop(timeoutMs?: number): Promise<StopResult>;
  /** Removes the container, running or not. */
  remove(): Promise<void>;
}

/**
 * podman schedules HEALTHCHECK runs with systemd timers and complains on every start and stop where there
 * is no systemd (containers, CI); the check itself still works through `podman healthcheck run`.
 */
const PODMAN_NO_SYSTEMD = /level=error msg=".*unable to get systemd connection/;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const KEEP_LINES = 200;

/** The arguments of `<engine> run` for these options (without the global flags), and the port the service gets. */
export function runArgs(options: RunContainerOptions): string[] {
  const { engine } = options;
  if (!NAME_PATTERN.test(options.name)) {
    throw new ContainerEngineError(
      `Container name "${options.name}" is not valid: use letters, digits, ".", "_" or "-".`,
    );
  }
  if (options.env && 'PORT' in options.env) {
    throw new ContainerEngineError(
      'Set port and hostPort instead of env.PORT: the engine decides what PORT the service gets.',
    );
  }
  if (options.env && 'METRICS_PORT' in options.env) {
    throw new ContainerEngineError(
      'Set metricsHostPort instead of env.METRICS_PORT: the engine decides what METRICS_PORT the service gets.',
    );
  }
  const containerPort = options.port ?? settings.container.port;
  const env: Record<string, string> = { ...options.env };
  const args = ['run', '--name', options.name];
  if (engine.kind === 'docker' && engine.runtime) args.push('--runtime', engine.runtime);
  if (engine.network) args.push(`--network=${engine.network}`);
  if (engine.network === 'host') {
    // The container shares the host's ports: the service listens on the host port itself, on loopback only.
    env.PORT = String(options.hostPort);
    env.METRICS_PORT = String(options.metricsHostPort);
    env.HOST ??= '127.0.0.1';
  } else {
    const { metricsPort } = settings.container;
    env.PORT = String(containerPort);
    env.METRICS_PORT = String(metricsPort);
    // Inside its own network namespace the service must listen on all interfaces to be reachable through
    // the published ports; publishing on 127.0.0.1 is what keeps it off the host's other interfaces.
    env.HOST = '0.0.0.0';
    args.push('--publish', `127.0.0.1:${options.hostPort}:${containerPort}`);
    args.push('--publish', `127.0.0.1:${options.metricsHostPort}:${metricsPort}`);
  }
  if (options.readOnly ?? true) {
    args.push('--read-only');
    // podman would add writable /tmp, /run and /var/tmp; Docker and ECS do not, so neither does this.
    if (engine.kind === 'podman') args.push('--read-only-tmpfs=false');
  }
  for (const [key, value] of Object.entries(env)) args.push('--env', `${key}=${value}`);
  args.push(options.image, ...(options.command ?? []));
  return args;
}

async function healthStatus(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return undefined;
  }
}

/** The last lines a process printed, without podman's systemd complaints. */
class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  readonly keep = (chunk: Buffer): void => {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    this.lines.push(...parts.filter((line) => line.trim() !== '' && !PODMAN_NO_SYSTEMD.test(line)));
    this.lines.splice(0, Math.max(0, this.lines.length - KEEP_LINES));
  };

  add(line: string): void {
    this.lines.push(line);
  }

  last(count = 20): string {
    return [...this.lines, this.partial]
      .filter((line) => line !== '')
      .slice(-count)
      .join('\n');
  }
}

/** A container running in the foreground of an engine client process; see {@link ContainerHandle}. */
class RunningContainer implements ContainerHandle {
  readonly name: string;
  readonly image: string;
  readonly hostPort: number;
  readonly url: string;
  readonly metricsUrl: string;
  readonly exited: Promise<ContainerExit>;
  private readonly engine: Engine;
  private readonly output = new OutputTail();
  private ended = false;

  constructor(options: RunContainerOptions, args: readonly string[]) {
    this.engine = options.engine;
    this.name = options.name;
    this.image = options.image;
    this.hostPort = options.hostPort;
    this.url = `http://127.0.0.1:${options.hostPort}`;
    this.metricsUrl = `http://127.0.0.1:${options.metricsHostPort}`;
    const child = spawn(this.engine.command, [...globalArgs(this.engine), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.on('data', this.output.keep);
    child.stderr.on('data', this.output.keep);
    this.exited = new Promise<ContainerExit>((resolve) => {
      child.once('error', (error) => {
        this.output.add(`${this.engine.command}: ${error.message}`);
        resolve({ code: 127, signal: null });
      });
      child.once('close', (code, signal) => resolve({ code, signal }));
    });
    void this.exited.then(() => {
      this.ended = true;
    });
  }

  kill(sig: NodeJS.Signals): void {
    void this.signal(sig);
  }

  lastOutput(count = 20): string {
    return this.output.last(count);
  }

  async waitForExit(timeoutMs: number): Promise<ContainerExit | undefined> {
    const cancel = new AbortController();
    const deadline = sleep(timeoutMs, undefined, { signal: cancel.signal }).catch(() => undefined);
    const exit = await Promise.race([this.exited, deadline]);
    cancel.abort();
    return exit;
  }

  async waitUntilHealthy(timeoutMs = 30_000): Promise<number> {
    const { healthPath } = settings.container;
    const started = performance.now();
    while (performance.now() - started < timeoutMs) {
      if (this.ended) {
        const exit = await this.exited;
        throw new ContainerEngineError(
          `Container ${this.name} exited (code ${exit.code}) before ${healthPath} answered 200:\n${this.lastOutput()}`,
        );
      }
      if ((await healthStatus(`${this.url}${healthPath}`)) === 200) return performance.now() - started;
      await sleep(200);
    }
    throw new ContainerEngineError(
      `Container ${this.name}: ${healthPath} did not answer 200 within ${timeoutMs} ms:\n${this.lastOutput()}`,
    );
  }

  exec(args: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<CommandResult> {
    const envArgs = Object.entries(env).flatMap(([key, value]) => ['--env', `${key}=${value}`]);
    return engineCommand(this.engine, ['exec', ...envArgs, this.name, ...args]);
  }

  async stop(timeoutMs = settings.container.stopTimeoutSeconds * 1_000): Promise<StopResult> {
    const started = performance.now();
    if (!this.ended) await this.signal('SIGTERM');
    let exit = await this.waitForExit(timeoutMs);
    const forced = exit === undefined;
    if (exit === undefined) {
      await this.signal('SIGKILL');
      exit = await this.exited;
    }
    const elapsedMs = performance.now() - started;
    await this.remove();
    return { ...exit, elapsedMs, forced };
  }

  async remove(): Promise<void> {
    await engineCommand(this.engine, ['rm', '--force', this.name]);
  }

  private signal(sig: NodeJS.Signals): Promise<CommandResult> {
    return engineCommand(this.engine, ['kill', '--signal', sig, this.name]);
  }
}

/**
 * Starts a container in the foreground of a child process (so its output streams here and its exit code is
 * the container's) and returns at once; use {@link ContainerHandle.waitUntilHealthy} to wait for the service.
 */
export async function runContainer(options: RunContainerOptions): Promise<ContainerHandle> {
  const args = runArgs(options);
  await engineCommand(options.engine, ['rm', '--force', options.name]);
  return new RunningContainer(options, args);
}
