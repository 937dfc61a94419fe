import { engineCommand, ContainerEngineError, type Engine } from './engine-detect';

/** Building the project's image with the engine. */

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
