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
export function globalArgs(engine: Engine): string[] {
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

/** Runs an engine command and returns its stdout; a non-zero exit throws, naming `what`. */
export async function engineOk(engine: Engine, args: readonly string[], what: string): Promise<string> {
  const result = await engineCommand(engine, args);
  if (result.code !== 0) {
    throw new ContainerEngineError(
      `${what} failed (${engine.kind} exit ${result.code}): ${result.stderr.trim()}`,
    );
  }
  return result.stdout;
}
