import { execFile } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '../../local/free-port';
import { endLeftProcess, recordProcess } from '../../process/left-process';
import { startRegistry } from '../../release-build/registry';
import { writeStandIns } from '../../release-build/stand-in-commands';
import type { RunnableImage } from './types';

/*
 * The image steps of the release build with containers, as `npm run rehearse:build` takes them: `docker`
 * forwards to podman and docker-registry stands in for ECR, its storage under `.rehearsal/`, so a later
 * `up` finds what an earlier one pushed. The registry listens only while a build runs, on a new port each
 * time; the released image is pulled into podman's storage while it listens, so the deploys run it by its
 * digest reference without a registry.
 */

/** Where the registry keeps its storage and the build its stand-ins (see folder-stand-ins.ts). */
export interface ContainerStandInsInput {
  readonly stateDir: string;
  readonly workDir: string;
  readonly binDir: string;
  readonly script: (name: 'aws-stand-in.js') => string;
}

const run = promisify(execFile);

/** Starts docker-registry and writes the podman `docker` and the `aws` stand-ins into `binDir`. */
export async function startContainerStandIns(input: ContainerStandInsInput) {
  const registryDir = path.join(input.stateDir, 'container-registry');
  mkdirSync(registryDir, { recursive: true });
  // A registry an `up` killed with SIGKILL left running: its command line names this folder's config.
  const pidFile = path.join(registryDir, 'registry.pid');
  endLeftProcess(pidFile, registryDir);
  const registry = await startRegistry(registryDir, await freePort());
  recordProcess(pidFile, registry.pid);
  writeStandIns({
    binDir: input.binDir,
    registryUrl: registry.url,
    awsStandInScript: input.script('aws-stand-in.js'),
    baseImage: process.env.BASE_IMAGE,
    caBundle: process.env.BUILD_CA_BUNDLE || undefined,
    runtime: process.env.CONTAINER_RUNTIME,
    authFile: path.join(input.workDir, 'auth.json'),
    pushedDir: path.join(input.workDir, 'pushed'),
  });
  return {
    registry,
    stop: async () => {
      await registry.stop();
      rmSync(pidFile, { force: true });
    },
    async runnable(imageUri: string): Promise<RunnableImage> {
      await run('podman', ['pull', '--quiet', '--tls-verify=false', imageUri]);
      return { kind: 'container', reference: imageUri };
    },
  };
}
