import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { awsStandIn } from '../../release-build/stand-in-commands';
import { REPOSITORY } from '../../release-build/run-buildspec';
import { FOLDER_DOCKER_VARIABLES } from './folder-docker';
import { readStoredManifest, startFolderRegistry } from './folder-registry';
import type { RunnableImage } from './types';

/*
 * The image steps of the release build with Node alone (`up` without containers): `docker` builds the
 * image as a folder (folder-docker.ts) and the folder registry stands in for ECR (folder-registry.ts), which
 * the release build's own `aws` stand-in asks as it asks docker-registry. Manifests and image folders stay
 * under `.rehearsal/`, so a flip-only commit in a later `up` reuses the image of its content key.
 */

export interface FolderStandInsInput {
  /** `.rehearsal/`: the registry's manifests and the image folders are kept there. */
  readonly stateDir: string;
  /** This build's folder: the `docker` wrapper's local images. */
  readonly workDir: string;
  readonly binDir: string;
  /** Compiled stand-in programs, by name: `aws-stand-in.js` and `folder-docker.js`. */
  readonly script: (name: 'aws-stand-in.js' | 'folder-docker.js') => string;
}

const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`;

/** Starts the folder registry and writes `docker` and `aws` into `binDir`. */
export async function startFolderStandIns(input: FolderStandInsInput) {
  const storeDir = path.join(input.stateDir, 'registry');
  const imageStore = path.join(input.stateDir, 'images');
  const registry = await startFolderRegistry(storeDir, [REPOSITORY]);
  const settings: Record<string, string> = {
    [FOLDER_DOCKER_VARIABLES.registryUrl]: registry.url,
    [FOLDER_DOCKER_VARIABLES.engineDir]: path.join(input.workDir, 'engine'),
    [FOLDER_DOCKER_VARIABLES.imageStore]: imageStore,
  };
  mkdirSync(input.binDir, { recursive: true });
  const docker = [
    '#!/usr/bin/env bash',
    '# docker for up without containers: images are folders (tools/src/up/release/folder-docker.ts).',
    ...Object.entries(settings).map(([name, value]) => `export ${name}=${quote(value)}`),
    `exec ${quote(process.execPath)} ${quote(input.script('folder-docker.js'))} "$@"`,
    '',
  ].join('\n');
  const aws = awsStandIn({ registryUrl: registry.url, awsStandInScript: input.script('aws-stand-in.js') });
  for (const [name, text] of [
    ['docker', docker],
    ['aws', aws],
  ] as const) {
    writeFileSync(path.join(input.binDir, name), text);
    chmodSync(path.join(input.binDir, name), 0o755);
  }
  return {
    registry,
    stop: () => registry.stop(),
    /** The folder the image `<registry>/<name>@<digest>` is, from its manifest's config digest. */
    runnable(imageUri: string): Promise<RunnableImage> {
      const digest = imageUri.slice(imageUri.lastIndexOf('@') + 1);
      const stored = readStoredManifest(storeDir, digest);
      const config = stored
        ? (JSON.parse(stored.body.toString('utf8')) as { config?: { digest?: string } }).config?.digest
        : undefined;
      const dir = config === undefined ? undefined : path.join(imageStore, config.replace(':', '-'), 'app');
      if (dir === undefined || !existsSync(dir)) {
        return Promise.reject(new Error(`no image folder for ${imageUri} in ${imageStore}`));
      }
      return Promise.resolve({ kind: 'folder', dir });
    },
  };
}
