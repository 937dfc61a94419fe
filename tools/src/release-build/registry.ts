import { spawn } from 'node:child_process';
import { openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/*
 * A real registry on loopback standing in for ECR: Debian's `docker-registry` (CNCF distribution), started
 * by hand with a config of our own, its storage in a temporary folder. Pushes, pulls and the digests it
 * reports are the registry API's own (the "Docker Registry HTTP API V2" distribution documents).
 */

/** Manifest types podman and docker push; a registry answers with the digest of the stored one. */
const MANIFEST_TYPES = [
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

/** What the registry says about one manifest reference (a tag or a digest). */
export type ManifestLookup =
  | { readonly kind: 'found'; readonly digest: string }
  | { readonly kind: 'no-repository' }
  | { readonly kind: 'no-manifest' };

/** Asks a registry for the digest of `name:reference` (HEAD /v2/<name>/manifests/<reference>). */
export async function lookUpManifest(
  registryUrl: string,
  name: string,
  reference: string,
  fetchImpl: typeof fetch = fetch,
): Promise<ManifestLookup> {
  const response = await fetchImpl(`${registryUrl}/v2/${name}/manifests/${encodeURIComponent(reference)}`, {
    method: 'HEAD',
    headers: { accept: MANIFEST_TYPES },
  });
  if (response.ok) {
    const digest = response.headers.get('docker-content-digest');
    if (!digest)
      throw new Error(`${registryUrl} answered ${name}:${reference} without Docker-Content-Digest`);
    return { kind: 'found', digest };
  }
  if (response.status !== 404) {
    throw new Error(`${registryUrl} answered HEAD ${name}:${reference} with HTTP ${response.status}`);
  }
  // HEAD carries no error body: the tag list tells a missing repository from a missing tag.
  const tags = await fetchImpl(`${registryUrl}/v2/${name}/tags/list`);
  return tags.status === 404 ? { kind: 'no-repository' } : { kind: 'no-manifest' };
}

/** A manifest's bytes as the registry stores them, and the media type it was stored under. */
export interface StoredManifest {
  readonly digest: string;
  readonly body: string;
  readonly mediaType: string;
}

/** Reads `name@reference` (GET /v2/<name>/manifests/<reference>); `undefined` when the registry has none. */
export async function getManifest(
  registryUrl: string,
  name: string,
  reference: string,
  fetchImpl: typeof fetch = fetch,
): Promise<StoredManifest | undefined> {
  const response = await fetchImpl(`${registryUrl}/v2/${name}/manifests/${encodeURIComponent(reference)}`, {
    headers: { accept: MANIFEST_TYPES },
  });
  if (response.status === 404) return undefined;
  if (!response.ok) {
    throw new Error(`${registryUrl} answered GET ${name}:${reference} with HTTP ${response.status}`);
  }
  return {
    digest: response.headers.get('docker-content-digest') ?? '',
    body: await response.text(),
    mediaType: response.headers.get('content-type') ?? '',
  };
}

/**
 * Stores `body` as `name:tag` (PUT /v2/<name>/manifests/<tag>) and returns the digest the registry reports.
 * The bytes go as given: a manifest's digest is the SHA-256 of exactly these bytes.
 */
export async function putManifest(
  registryUrl: string,
  name: string,
  tag: string,
  manifest: { readonly body: string; readonly mediaType: string },
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const response = await fetchImpl(`${registryUrl}/v2/${name}/manifests/${encodeURIComponent(tag)}`, {
    method: 'PUT',
    headers: { 'content-type': manifest.mediaType },
    body: manifest.body,
  });
  if (response.status !== 201) {
    throw new Error(
      `${registryUrl} refused ${name}:${tag} with HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`,
    );
  }
  return response.headers.get('docker-content-digest') ?? '';
}

export interface RunningRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>`, the registry part of an image name. */
  readonly host: string;
  readonly pid: number;
  /** Stops the registry by its pid and waits for it to exit. */
  stop(): Promise<void>;
}

/** The registry's configuration: storage in `storageDir`, listening on loopback only. */
export function registryConfig(storageDir: string, port: number): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${JSON.stringify(storageDir)}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
}

/** Starts `docker-registry serve` on `port`, logging to `<dir>/registry.log`, and waits until it answers. */
export async function startRegistry(dir: string, port: number, timeoutMs = 15_000): Promise<RunningRegistry> {
  const configFile = join(dir, 'registry.yml');
  writeFileSync(configFile, registryConfig(join(dir, 'storage'), port));
  const logFd = openSync(join(dir, 'registry.log'), 'a');
  const child = spawn('docker-registry', ['serve', configFile], { stdio: ['ignore', logFd, logFd] });
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const spawned = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawned) {
    throw new Error(
      `docker-registry could not start (${spawned.message}); install it with: apt-get install -y docker-registry`,
    );
  }
  const url = `http://127.0.0.1:${port}`;
  const registry: RunningRegistry = {
    url,
    host: `127.0.0.1:${port}`,
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`docker-registry exited with ${child.exitCode}; see ${dir}/registry.log`);
    const up = await fetch(`${url}/v2/`).then(
      (response) => response.ok,
      () => false,
    );
    if (up) return registry;
    await sleep(100);
  }
  await registry.stop();
  throw new Error(`docker-registry did not answer on ${url} within ${timeoutMs} ms; see ${dir}/registry.log`);
}
