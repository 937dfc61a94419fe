import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/*
 * The service image as a folder, built as the Dockerfile builds its stages, for `up` without containers:
 * - build: the files the Dockerfile's build stage copies, with the dependencies `npm ci` installed in the
 *   context (the deps stage installs the same lock file), then its command, `npx tsc -p
 *   tools/container/tsconfig.image.json && node app/bundle.js`;
 * - prod-deps: `npm ci --omit=dev` of the same lock file (the Dockerfile installs everything, then prunes to
 *   the same runtime dependencies; npm's cache makes this seconds);
 * - runtime: node_modules, package.json, dist/contract and dist/app/src in `app/`, and beside it
 *   `config.json` with what the runtime stage sets: environment, user, entry point and command, labels.
 * The steps are this file's, not read from the Dockerfile: tools/test/up/release/folder-image.test.ts fails
 * when the Dockerfile no longer has the lines they follow.
 */

/** The files the Dockerfile's build stage copies into /app before compiling. */
export const BUILD_STAGE_FILES = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'tools/container/tsconfig.image.json',
  'contract',
  'app/src',
  'app/bundle.js',
] as const;

/** The build stage's command. */
export const BUILD_STAGE_COMMAND = 'npx tsc -p tools/container/tsconfig.image.json && node app/bundle.js';

/** What the runtime stage copies from the others, as `<stage>:<path>`. */
export const RUNTIME_FILES = [
  'prod-deps:node_modules',
  'prod-deps:package.json',
  'build:dist/contract',
  'build:dist/app/src',
] as const;

/** The runtime stage's settings, as the image config a container engine would record. */
export interface FolderImageConfig {
  readonly env: Readonly<Record<string, string>>;
  readonly user: string;
  readonly workingDir: string;
  readonly entrypoint: readonly string[];
  readonly cmd: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
}

/** The runtime stage's ENV, USER, WORKDIR, ENTRYPOINT, CMD and LABEL for a build of `appVersion`. */
export function runtimeConfig(appVersion: string, sourceUrl: string): FolderImageConfig {
  return {
    env: { NODE_ENV: 'production', APP_VERSION: appVersion },
    user: '1000:1000',
    workingDir: '/app',
    entrypoint: ['node'],
    cmd: ['dist/app/src/server.js'],
    labels: {
      'org.opencontainers.image.title': 'rollback-rehearsal',
      'org.opencontainers.image.revision': appVersion,
      'org.opencontainers.image.version': appVersion,
      'org.opencontainers.image.source': sourceUrl,
    },
  };
}

/** Runs a command line in bash, its output to the build's; rejects naming it when it fails. */
function run(command: string, cwd: string, output: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.pipe(output, { end: false });
    child.stderr.pipe(output, { end: false });
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${command} failed in ${cwd} (${signal ?? `exit ${code}`})`)),
    );
  });
}

function removeEmptyScopes(nodeModules: string): void {
  if (!existsSync(nodeModules)) return;
  for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
    const dir = path.join(nodeModules, entry.name);
    if (entry.isDirectory() && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
  }
}

export interface BuildFolderImageInput {
  /** The build context: the export, after the buildspec's `npm ci`. */
  readonly context: string;
  /** The image folder to write (`app/` and `config.json`); replaced if it exists. */
  readonly outDir: string;
  readonly appVersion: string;
  readonly sourceUrl: string;
  readonly output: NodeJS.WritableStream;
}

/** Builds the image folder from the context, as the Dockerfile's stages would build the image. */
export async function buildFolderImage(input: BuildFolderImageInput): Promise<void> {
  const { context, outDir, output } = input;
  rmSync(outDir, { recursive: true, force: true });
  const stages = `${outDir}.stages`;
  const build = path.join(stages, 'build');
  const prodDeps = path.join(stages, 'prod-deps');
  try {
    for (const file of BUILD_STAGE_FILES) {
      cpSync(path.join(context, file), path.join(build, file), { recursive: true });
    }
    if (existsSync(path.join(context, 'node_modules'))) {
      symlinkSync(path.join(context, 'node_modules'), path.join(build, 'node_modules'), 'dir');
    } else {
      await run('npm ci --no-audit --no-fund --loglevel=warn', build, output);
    }
    output.write(`docker stand-in: [build] ${BUILD_STAGE_COMMAND}\n`);
    await run(BUILD_STAGE_COMMAND, build, output);
    for (const file of ['package.json', 'package-lock.json']) {
      cpSync(path.join(context, file), path.join(prodDeps, file));
    }
    output.write('docker stand-in: [prod-deps] npm ci --omit=dev\n');
    await run('npm ci --omit=dev --prefer-offline --no-audit --no-fund --loglevel=warn', prodDeps, output);
    removeEmptyScopes(path.join(prodDeps, 'node_modules'));
    for (const entry of RUNTIME_FILES) {
      const [stage, file] = entry.split(':') as [string, string];
      cpSync(path.join(stages, stage, file), path.join(outDir, 'app', file), {
        recursive: true,
        verbatimSymlinks: true,
      });
    }
    mkdirSync(outDir, { recursive: true });
    writeFileSync(
      path.join(outDir, 'config.json'),
      `${JSON.stringify(runtimeConfig(input.appVersion, input.sourceUrl), null, 2)}\n`,
    );
  } finally {
    rmSync(stages, { recursive: true, force: true });
  }
}

/**
 * The SHA-256 of an image folder's content: every path under `app/` in order with its kind, executable bit
 * and bytes (or link target), then config.json. Two folders with the same digest run the same thing.
 */
export function folderImageDigest(imageDir: string): string {
  const hash = createHash('sha256');
  const walk = (relative: string): void => {
    const full = path.join(imageDir, relative);
    const stat = lstatSync(full);
    if (stat.isDirectory()) {
      hash.update(`d ${relative}\n`);
      for (const name of readdirSync(full).sort()) walk(path.posix.join(relative, name));
    } else if (stat.isSymbolicLink()) {
      hash.update(`l ${relative} ${readlinkSync(full)}\n`);
    } else {
      const content = createHash('sha256').update(readFileSync(full)).digest('hex');
      hash.update(`f ${relative} ${stat.mode & 0o111 ? 'x' : '-'} ${content}\n`);
    }
  };
  walk('app');
  hash.update(readFileSync(path.join(imageDir, 'config.json')));
  return `sha256:${hash.digest('hex')}`;
}
