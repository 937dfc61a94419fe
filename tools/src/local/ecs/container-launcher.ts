import {
  buildImage,
  detectEngine,
  imageExists,
  removeContainerNow,
  runContainer,
  type Engine,
} from '../../container/engine';
import { summariseLogLine, type LaunchTask, type TrackTask } from './task-process';

/** The image `--container` runs when no `--image` is given; built from the Dockerfile when missing. */
export const DEFAULT_REHEARSAL_IMAGE = 'localhost/rollback-rehearsal:local';

export interface ContainerLauncherOptions {
  readonly image: string;
  readonly env: NodeJS.ProcessEnv;
  /** The build context (the repository root). */
  readonly cwd: string;
  /** Diagnostics while the engine is found and the image built. */
  readonly log: (line: string) => void;
  readonly logLevel?: string;
  /** Registers how to remove a container however the rehearsal ends. @default none */
  readonly track?: TrackTask;
  /** Environment the task definition gives the container, besides what each task sets itself. */
  readonly environment?: Readonly<Record<string, string>>;
}

/**
 * Tasks as containers of the project's image, through the container engine helper (docker or podman):
 * the same image ECS would run, with the container's environment. Builds the image first when it is
 * missing (BASE_IMAGE and BUILD_CA_BUNDLE are passed to the build as for `npm run test:container`).
 */
export async function containerLauncher(
  options: ContainerLauncherOptions,
): Promise<{ engine: Engine; launch: LaunchTask }> {
  const engine = await detectEngine(options.env);
  options.log(`container engine: ${engine.kind}${engine.network ? ` (network ${engine.network})` : ''}`);
  if (!(await imageExists(engine, options.image))) {
    options.log(`building ${options.image} from the Dockerfile (this takes a while the first time)`);
    const built = await buildImage({
      engine,
      tag: options.image,
      appVersion: 'local-rehearsal',
      baseImage: options.env.BASE_IMAGE?.trim() || undefined,
      caBundle: options.env.BUILD_CA_BUNDLE?.trim() || undefined,
      context: options.cwd,
    });
    options.log(`built ${built.tag} in ${Math.round(built.durationMs / 1000)} s`);
  }
  const run = `${process.pid}-${Date.now().toString(36)}`;
  const launch: LaunchTask = (task) => {
    const name = `rehearsal-${run}-${task.id}`;
    // Tracked before it starts: a rehearsal that ends while the engine creates it still removes it.
    const untrack = options.track?.(() => removeContainerNow(engine, name));
    const handle = runContainer({
      engine,
      image: options.image,
      name,
      env: {
        ...options.environment,
        APP_VERSION: task.version,
        FAULTS: task.faults,
        LOG_LEVEL: options.logLevel ?? 'warn',
        HOST: task.host,
      },
      hostPort: task.port,
      metricsHostPort: task.metricsPort,
    });
    let last = '';
    const exited = handle.then(
      async (container) => {
        const exit = await container.exited;
        last = container
          .lastOutput(2)
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map(summariseLogLine)
          .join(' | ');
        await container.remove();
        untrack?.();
        return exit;
      },
      (error: unknown) => {
        untrack?.();
        last = error instanceof Error ? error.message : String(error);
        return { code: 125, signal: null };
      },
    );
    return {
      exited,
      kill: (signal) => void handle.then((container) => container.kill(signal)).catch(() => undefined),
      lastOutput: () => last,
    };
  };
  return { engine, launch };
}
