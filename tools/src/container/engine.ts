import { spawn, spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { settings } from '../../../contract/settings';
import { runCommand, type CommandResult, type RunCommand } from './run-command';

/**
 * The container engine, docker or podman, behind one small API: detect it, build the project's image,
 * run a container of it and stop it the way ECS does (SIGTERM, wait, SIGKILL). The container test and the
 * local rehearsal (`rehearse local --container`) both use it.
 *
 * Environment (all optional; a Docker user needs none of them):
 * - `CONTAINER_ENGINE`: `docker` or `podman`; unset, a working docker engine wins, then podman.
 * - `CONTAINER_RUNTIME`: the OCI runtime podman uses; unset, `runc` when installed (crun fails on hosts
 *   with hybrid cgroups); empty, podman's own default.
 * - `CONTAINER_NETWORK`: the network for builds and containers; unset, `host` for podman (its private
 *   networks need a setup these CI machines lack) and the engine's default bridge for docker.
 */

export type EngineKind = 'docker' | 'podman';

/** A working container engine and the flags this machine needs for it. */
export interface Engine {
  readonly kind: EngineKind;
  /** The executable to call. */
  readonly command: string;
  /** OCI runtime (podman `--runtime`, docker `run --runtime`); undefined keeps the engine's default. */
  readonly runtime?: string | undefined;
  /** Network mode; `host` means a container binds the host's ports directly (no port mapping). */
  readonly network?: string | undefined;
  /** How commands run; tests pass a fake. */
  readonly run: RunCommand;
}

/** A container engine is missing, unusable, or a command of it failed; the message says which and why. */
export class ContainerEngineError extends Error {
  override readonly name = 'ContainerEngineError';
}

const KINDS: readonly EngineKind[] = ['docker', 'podman'];

function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((line) => line.trim())
      .find((line) => line !== '') ?? ''
  );
}

async function whyUnusable(kind: EngineKind, run: RunCommand): Promise<string | undefined> {
  if (kind === 'docker') {
    // The client alone answers `docker version` with exit 1; asking for the server proves an engine.
    const probe = await run('docker', ['version', '--format', '{{.Server.Version}}']);
    if (probe.missing) return 'docker is not installed (no docker on PATH)';
    if (probe.code !== 0) {
      const reason = firstLine(probe.stderr) || `exit code ${probe.code}`;
      return `the docker client is installed but has no engine to talk to (${reason}); start Docker, or use podman`;
    }
    return undefined;
  }
  const probe = await run('podman', ['version', '--format', '{{.Client.Version}}']);
  if (probe.missing) return 'podman is not installed (no podman on PATH)';
  if (probe.code !== 0)
    return `podman does not work (${firstLine(probe.stderr) || `exit code ${probe.code}`})`;
  return undefined;
}

async function podmanRuntime(env: NodeJS.ProcessEnv, run: RunCommand): Promise<string | undefined> {
  const chosen = env.CONTAINER_RUNTIME;
  if (chosen !== undefined) return chosen.trim() || undefined;
  return (await run('runc', ['--version'])).code === 0 ? 'runc' : undefined;
}

/**
 * Finds a working container engine. Throws {@link ContainerEngineError} naming what was tried and how to
 * fix it when there is none, including the common case of a docker client without a Docker engine.
 */
export async function detectEngine(
  env: NodeJS.ProcessEnv = process.env,
  run: RunCommand = runCommand,
): Promise<Engine> {
  const requested = env.CONTAINER_ENGINE?.trim();
  if (requested && !KINDS.includes(requested as EngineKind)) {
    throw new ContainerEngineError(
      `CONTAINER_ENGINE="${requested}" is not supported: use docker or podman, or leave it unset to detect one.`,
    );
  }
  const candidates = requested ? [requested as EngineKind] : KINDS;
  const problems: string[] = [];
  for (const kind of candidates) {
    const problem = await whyUnusable(kind, run);
    if (problem !== undefined) {
      problems.push(problem);
      continue;
    }
    const network =
      env.CONTAINER_NETWORK !== undefined ? env.CONTAINER_NETWORK.trim() || undefined : undefined;
    if (kind === 'podman') {
      return {
        kind,
        command: 'podman',
        runtime: await podmanRuntime(env, run),
        network: network ?? 'host',
        run,
      };
    }
    return { kind, command: 'docker', runtime: env.CONTAINER_RUNTIME?.trim() || undefined, network, run };
  }
  throw new ContainerEngineError(
    `No usable container engine${requested ? ` (CONTAINER_ENGINE=${requested})` : ''}: ${problems.join('; ')}. ` +
      'Install Docker, or podman (on Debian, as root: tools/container/setup-podman.sh).',
  );
}

/** podman takes the OCI runtime as a global flag, before the subcommand. */
function globalArgs(engine: Engine): string[] {
  return engine.kind === 'podman' && engine.runtime ? ['--runtime', engine.runtime] : [];
}

/** Runs `<engine> <global flags> args`. */
export function engineCommand(
  engine: Engine,
  args: readonly string[],
  options?: Parameters<RunCommand>[2],
): Promise<CommandResult> {
  return engine.run(engine.command, [...globalArgs(engine), ...args], options);
}

async function engineOk(engine: Engine, args: readonly string[], what: string): Promise<string> {
  const result = await engineCommand(engine, args);
  if (result.code !== 0) {
    throw new ContainerEngineError(
      `${what} failed (${engine.kind} exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}

export interface BuildImageOptions {
  readonly engine: Engine;
  /** Image reference to tag the result with. */
  readonly tag: string;
  /** The commit (or any version label) baked into the image's environment and OCI labels. */
  readonly appVersion: string;
  /** @default - the Dockerfile's BASE_IMAGE default, the official Node 24 slim image from ECR Public */
  readonly baseImage?: string | undefined;
  /** @default - the current directory */
  readonly context?: string | undefined;
  /**
   * A CA bundle for a TLS-intercepting proxy, handed to `npm ci` as the build secret `npm_ca` and never
   * stored in a layer. @default - none, for networks that need none
   */
  readonly caBundle?: string | undefined;
  /** @default false */
  readonly noCache?: boolean | undefined;
  /** Where the output goes while the build runs. @default - nowhere (it is in the error on failure) */
  readonly onOutput?: ((chunk: string) => void) | undefined;
}

/** A finished build. */
export interface BuiltImage {
  readonly tag: string;
  readonly durationMs: number;
}

const VERSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** The arguments of `<engine> build` for these options (without the global flags). */
export function buildArgs(options: BuildImageOptions): string[] {
  const { engine } = options;
  if (!VERSION_PATTERN.test(options.appVersion)) {
    throw new ContainerEngineError(
      `appVersion "${options.appVersion}" is not usable as a label: use letters, digits, ".", "_" or "-" (a commit hash, for example).`,
    );
  }
  const args = ['build', '--tag', options.tag, '--build-arg', `APP_VERSION=${options.appVersion}`];
  if (options.baseImage) args.push('--build-arg', `BASE_IMAGE=${options.baseImage}`);
  if (options.caBundle) args.push('--secret', `id=npm_ca,src=${options.caBundle}`);
  if (options.noCache) args.push('--no-cache');
  if (engine.network) args.push(`--network=${engine.network}`);
  // podman writes OCI images by default, a format without HEALTHCHECK; the docker format keeps it.
  if (engine.kind === 'podman') args.push('--format', 'docker');
  args.push(options.context ?? '.');
  return args;
}

/** Builds the project's Dockerfile; throws with the end of the build output when the build fails. */
export async function buildImage(options: BuildImageOptions): Promise<BuiltImage> {
  const args = buildArgs(options);
  const started = performance.now();
  const result = await engineCommand(options.engine, args, { onOutput: options.onOutput });
  const durationMs = performance.now() - started;
  if (result.code !== 0) {
    // npm and the engine put the cause in their first error lines and follow it with pages of usage text.
    const lines = `${result.stdout}\n${result.stderr}`.trim().split('\n');
    const errors = lines.filter((line) => /\berror\b/i.test(line)).slice(0, 8);
    const shown = [...errors, ...(errors.length > 0 ? ['...'] : []), ...lines.slice(-8)].join('\n');
    throw new ContainerEngineError(
      `Building ${options.tag} failed (${options.engine.kind} exit ${result.code}):\n${shown}`,
    );
  }
  return { tag: options.tag, durationMs };
}

/** The parts of an image's configuration that the tests and the rehearsal look at, the same for both engines. */
export interface ImageInfo {
  readonly id: string;
  readonly sizeBytes: number;
  readonly user: string;
  readonly workdir: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** The HEALTHCHECK test, e.g. `["CMD", "node", "…"]`; undefined when the image has none. */
  readonly healthcheck: readonly string[] | undefined;
  /** Layer digests, base first. */
  readonly layers: readonly string[];
}

type Json = Record<string, unknown>;
const record = (value: unknown): Json => (value && typeof value === 'object' ? (value as Json) : {});
const strings = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
const stringMap = (value: unknown): Record<string, string> =>
  Object.fromEntries(
    Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );

/** Reads `<engine> image inspect` output into {@link ImageInfo}. */
export function parseImageInspect(stdout: string): ImageInfo {
  const parsed: unknown = JSON.parse(stdout);
  const image = record(Array.isArray(parsed) ? parsed[0] : parsed);
  const config = record(image.Config);
  // docker keeps the health check in Config, podman at the top level.
  const health = record(config.Healthcheck ?? image.Healthcheck);
  const test = strings(health.Test);
  return {
    id: typeof image.Id === 'string' ? image.Id : '',
    sizeBytes: typeof image.Size === 'number' ? image.Size : 0,
    user: typeof config.User === 'string' ? config.User : '',
    workdir: typeof config.WorkingDir === 'string' ? config.WorkingDir : '',
    entrypoint: strings(config.Entrypoint),
    cmd: strings(config.Cmd),
    env: Object.fromEntries(
      strings(config.Env).map((pair) => [
        pair.slice(0, pair.indexOf('=')),
        pair.slice(pair.indexOf('=') + 1),
      ]),
    ),
    labels: stringMap(config.Labels),
    healthcheck: test.length > 0 && test[0] !== 'NONE' ? test : undefined,
    layers: strings(record(image.RootFS).Layers),
  };
}

/** Inspects a local image; throws {@link ContainerEngineError} when it does not exist. */
export async function inspectImage(engine: Engine, image: string): Promise<ImageInfo> {
  return parseImageInspect(await engineOk(engine, ['image', 'inspect', image], `Inspecting image ${image}`));
}

/** Whether the image is present locally (no pull). */
export async function imageExists(engine: Engine, image: string): Promise<boolean> {
  return (await engineCommand(engine, ['image', 'inspect', image])).code === 0;
}

/**
 * Removes a container at once and synchronously (`rm --force`: SIGKILL, then delete): the one way left to
 * end a container from a process `exit` handler, where nothing asynchronous runs any more.
 */
export function removeContainerNow(engine: Engine, name: string): void {
  spawnSync(engine.command, [...globalArgs(engine), 'rm', '--force', name], {
    stdio: 'ignore',
    timeout: 15_000,
  });
}

/** Removes a local image tag; a missing image is not an error. */
export async function removeImage(engine: Engine, image: string): Promise<void> {
  await engineCommand(engine, ['image', 'rm', image]);
}

export interface RunContainerOptions {
  readonly engine: Engine;
  readonly image: string;
  /** Container name; an old container of that name is removed first. */
  readonly name: string;
  /** Environment for the service (APP_VERSION, FAULTS, LOG_LEVEL…). PORT is set from the ports below. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Port the service listens on inside the container. @default settings.container.port */
  readonly port?: number | undefined;
  /** Loopback port that reaches the service from the host. */
  readonly hostPort: number;
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
  const containerPort = options.port ?? settings.container.port;
  const env: Record<string, string> = { ...options.env };
  const args = ['run', '--name', options.name];
  if (engine.kind === 'docker' && engine.runtime) args.push('--runtime', engine.runtime);
  if (engine.network) args.push(`--network=${engine.network}`);
  if (engine.network === 'host') {
    // The container shares the host's ports: the service listens on the host port itself, on loopback only.
    env.PORT = String(options.hostPort);
    env.HOST ??= '127.0.0.1';
  } else {
    env.PORT = String(containerPort);
    // Inside its own network namespace the service must listen on all interfaces to be reachable through
    // the published port; publishing on 127.0.0.1 is what keeps it off the host's other interfaces.
    env.HOST = '0.0.0.0';
    args.push('--publish', `127.0.0.1:${options.hostPort}:${containerPort}`);
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
