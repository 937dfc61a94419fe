#!/usr/bin/env node
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildFolderImage, folderImageDigest } from './folder-image';

/*
 * The `docker` command of `up`'s release build without containers. It answers the buildspec's docker calls
 * with an image that is a folder (folder-image.ts) and the folder registry (folder-registry.ts):
 * - `docker login ... --password-stdin <registry>`: reads the password, as docker does, and logs in;
 * - `docker build [--build-arg K=V]... --tag <repo>:<tag> <context>`: builds the folder for the tag;
 * - `docker push <repo>:<tag>`: keeps the folder in the image store under its content digest and stores a
 *   manifest naming that digest in the registry, which answers with the manifest's digest;
 * - `docker inspect --format '{{range .RepoDigests}}{{println .}}{{end}}' <repo>:<tag>`: `<repo>@<digest>`
 *   of the push, as Docker lists the registry's digest in RepoDigests after a push.
 * Every other call is refused, so a new docker call in the buildspec fails the build instead of passing.
 */

/** The variables the `docker` wrapper sets for this program. */
export const FOLDER_DOCKER_VARIABLES = {
  registryUrl: 'FOLDER_DOCKER_REGISTRY_URL',
  /** This build's local images by tag, as an engine's local storage. */
  engineDir: 'FOLDER_DOCKER_ENGINE_DIR',
  /** Pushed image folders by content digest, kept across builds. */
  imageStore: 'FOLDER_DOCKER_IMAGE_STORE',
} as const;

/** What the program reads and writes; tests pass their own. */
export interface FolderDockerDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: () => string;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** The media types of the stored manifest: an OCI manifest whose config is the folder's content. */
export const FOLDER_MANIFEST_TYPE = 'application/vnd.oci.image.manifest.v1+json';
export const FOLDER_CONFIG_TYPE = 'application/vnd.rehearsal.folder-image.v1+json';

const REPO_DIGESTS_FORMAT = '{{range .RepoDigests}}{{println .}}{{end}}';

const slug = (reference: string): string => reference.replace(/[/:@]/g, '_');

/** `<repo>:<tag>` split at the tag's colon (a registry host has one too). */
function splitReference(reference: string): { repository: string; tag: string } | undefined {
  const match = /^(.+\/[^/:]+):([^/:]+)$/.exec(reference);
  return match ? { repository: match[1]!, tag: match[2]! } : undefined;
}

/** The manifest pushed for an image folder: its bytes are what the registry's digest is taken of. */
export function folderManifest(contentDigest: string, configSize: number): string {
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: FOLDER_MANIFEST_TYPE,
    config: { mediaType: FOLDER_CONFIG_TYPE, digest: contentDigest, size: configSize },
    layers: [],
  });
}

async function build(argv: readonly string[], deps: FolderDockerDeps, engineDir: string): Promise<number> {
  const buildArgs = new Map<string, string>();
  let tag: string | undefined;
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--build-arg') {
      const [key = '', ...value] = (argv[++i] ?? '').split('=');
      buildArgs.set(key, value.join('='));
    } else if (arg === '--tag' || arg === '-t') tag = argv[++i];
    else if (arg.startsWith('-')) {
      deps.stderr.write(`docker stand-in: docker build ${arg} is not stood in for (folder images)\n`);
      return 1;
    } else positional.push(arg);
  }
  if (tag === undefined || positional.length !== 1) {
    deps.stderr.write('docker stand-in: docker build needs --tag <repo>:<tag> and one context folder\n');
    return 1;
  }
  await buildFolderImage({
    context: path.resolve(positional[0]!),
    outDir: path.join(engineDir, 'images', slug(tag)),
    appVersion: buildArgs.get('APP_VERSION') ?? 'dev',
    sourceUrl: buildArgs.get('SOURCE_URL') ?? 'https://github.com/example/ecs-rollback-rehearsal',
    output: deps.stdout,
  });
  deps.stdout.write(
    `Successfully tagged ${tag} (a folder image: ${path.join(engineDir, 'images', slug(tag))})\n`,
  );
  return 0;
}

async function push(reference: string, deps: FolderDockerDeps, settings: Settings): Promise<number> {
  const parts = splitReference(reference);
  const built = path.join(settings.engineDir, 'images', slug(reference));
  if (parts === undefined || !existsSync(built)) {
    deps.stderr.write(`docker stand-in: no image ${reference} was built in this build\n`);
    return 1;
  }
  const contentDigest = folderImageDigest(built);
  const stored = path.join(settings.imageStore, contentDigest.replace(':', '-'));
  mkdirSync(settings.imageStore, { recursive: true });
  if (existsSync(stored)) rmSync(built, { recursive: true });
  else renameSync(built, stored);
  const configSize = readFileSync(path.join(stored, 'config.json')).length;
  const name = parts.repository.slice(parts.repository.indexOf('/') + 1);
  const response = await fetch(`${settings.registryUrl}/v2/${name}/manifests/${parts.tag}`, {
    method: 'PUT',
    headers: { 'content-type': FOLDER_MANIFEST_TYPE },
    body: folderManifest(contentDigest, configSize),
  });
  const digest = response.headers.get('docker-content-digest');
  if (response.status !== 201 || digest === null) {
    deps.stderr.write(`docker stand-in: the registry refused ${reference}: HTTP ${response.status}\n`);
    return 1;
  }
  mkdirSync(path.join(settings.engineDir, 'pushed'), { recursive: true });
  writeFileSync(path.join(settings.engineDir, 'pushed', slug(reference)), `${parts.repository}@${digest}\n`);
  deps.stdout.write(`The push refers to repository [${parts.repository}]\n${parts.tag}: digest: ${digest}\n`);
  return 0;
}

function inspect(argv: readonly string[], deps: FolderDockerDeps, engineDir: string): number {
  const reference = argv[argv.length - 1] ?? '';
  const format = argv[argv.indexOf('--format') + 1];
  const pushed = path.join(engineDir, 'pushed', slug(reference));
  if (format !== REPO_DIGESTS_FORMAT) {
    deps.stderr.write(`docker stand-in: docker inspect answers --format '${REPO_DIGESTS_FORMAT}' only\n`);
    return 1;
  }
  if (!existsSync(pushed)) {
    deps.stderr.write(`Error: No such object: ${reference}\n`);
    return 1;
  }
  deps.stdout.write(readFileSync(pushed, 'utf8'));
  return 0;
}

interface Settings {
  readonly registryUrl: string;
  readonly engineDir: string;
  readonly imageStore: string;
}

/** Answers one `docker ...` command line; returns its exit status. */
export async function main(argv: readonly string[], deps: FolderDockerDeps): Promise<number> {
  const settings = {
    registryUrl: deps.env[FOLDER_DOCKER_VARIABLES.registryUrl] ?? '',
    engineDir: deps.env[FOLDER_DOCKER_VARIABLES.engineDir] ?? '',
    imageStore: deps.env[FOLDER_DOCKER_VARIABLES.imageStore] ?? '',
  };
  if (Object.values(settings).includes('')) {
    deps.stderr.write(`docker stand-in: ${Object.values(FOLDER_DOCKER_VARIABLES).join(', ')} must be set\n`);
    return 1;
  }
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'login':
      if (rest.includes('--password-stdin')) deps.stdin();
      deps.stdout.write('Login Succeeded\n');
      return 0;
    case 'build':
      return build(rest, deps, settings.engineDir);
    case 'push':
      return push(rest[rest.length - 1] ?? '', deps, settings);
    case 'inspect':
      return inspect(rest, deps, settings.engineDir);
    default:
      deps.stderr.write(
        `docker stand-in: 'docker ${sub ?? ''}' is not stood in for by up without containers (login, build, push, inspect); see docs/local-environment.md\n`,
      );
      return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), {
    env: process.env,
    stdin: () => readFileSync(0, 'utf8'),
    stdout: process.stdout,
    stderr: process.stderr,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`docker stand-in: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
