import { spawnSync } from 'node:child_process';
import { engineCommand, engineOk, globalArgs, type Engine } from './engine-detect';

/** Reading and removing images and containers. */

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
