import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/*
 * The registry standing in for ECR when `up` runs without containers: a loopback HTTP server answering the
 * part of the registry API ("Docker Registry HTTP API V2", the distribution project's documents) that the
 * release build's `aws` stand-in (tools/src/release-build/aws-stand-in.ts) and its artifact checks ask,
 * with manifests kept in a folder, so a later `up` finds what an earlier one pushed, as ECR keeps images:
 * - HEAD and GET /v2/<name>/manifests/<tag or digest>: the manifest, its digest in Docker-Content-Digest;
 * - PUT /v2/<name>/manifests/<tag>: stores the bytes, answers 201 with their SHA-256 digest;
 * - GET /v2/<name>/tags/list: the tags, or 404 NAME_UNKNOWN for a repository it does not hold.
 * A manifest's digest is the SHA-256 of its bytes, as the distribution spec has it.
 */

export interface FolderRegistry {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** `127.0.0.1:<port>` */
  readonly host: string;
  stop(): Promise<void>;
}

const sha256 = (bytes: Buffer | string): string =>
  `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

const hexOf = (digest: string): string | undefined => /^sha256:([a-f0-9]{64})$/.exec(digest)?.[1];

/** A tag may not name a path outside its repository's folder. */
const safeTag = (tag: string): boolean => /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/.test(tag);

/** Where `storeDir` keeps a manifest and its media type, by digest. */
export function manifestFile(storeDir: string, digest: string): string | undefined {
  const hex = hexOf(digest);
  return hex === undefined ? undefined : path.join(storeDir, 'manifests', hex);
}

/** Reads the manifest stored under `digest`, or undefined. */
export function readStoredManifest(
  storeDir: string,
  digest: string,
): { readonly body: Buffer; readonly mediaType: string } | undefined {
  const file = manifestFile(storeDir, digest);
  if (file === undefined || !existsSync(file)) return undefined;
  return { body: readFileSync(file), mediaType: readFileSync(`${file}.type`, 'utf8') };
}

function resolveReference(storeDir: string, name: string, reference: string): string | undefined {
  if (hexOf(reference) !== undefined) {
    return existsSync(manifestFile(storeDir, reference)!) ? reference : undefined;
  }
  if (!safeTag(reference)) return undefined;
  const tagFile = path.join(storeDir, 'repositories', name, reference);
  return existsSync(tagFile) ? readFileSync(tagFile, 'utf8').trim() : undefined;
}

const error = (res: http.ServerResponse, status: number, code: string, message: string): void => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ errors: [{ code, message }] }));
};

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

async function handle(storeDir: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://registry');
  if (url.pathname === '/v2/' || url.pathname === '/v2') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    return;
  }
  const match = /^\/v2\/([a-z0-9._/-]+)\/(manifests|tags)\/([^/]+)$/.exec(url.pathname);
  if (!match || match[1]!.split('/').some((part) => part === '..' || part === '.')) {
    error(res, 404, 'NAME_INVALID', `not a registry path: ${url.pathname}`);
    return;
  }
  const [, name, kind, rawReference] = match as unknown as [string, string, string, string];
  const reference = decodeURIComponent(rawReference);
  const repositoryDir = path.join(storeDir, 'repositories', name);
  if (kind === 'manifests' && req.method === 'PUT') {
    if (!safeTag(reference)) {
      error(res, 400, 'TAG_INVALID', `${reference} is not a tag`);
      return;
    }
    const body = await readBody(req);
    const digest = sha256(body);
    mkdirSync(path.join(storeDir, 'manifests'), { recursive: true });
    mkdirSync(repositoryDir, { recursive: true });
    writeFileSync(manifestFile(storeDir, digest)!, body);
    writeFileSync(`${manifestFile(storeDir, digest)!}.type`, req.headers['content-type'] ?? '');
    writeFileSync(path.join(repositoryDir, reference), `${digest}\n`);
    res.writeHead(201, { 'docker-content-digest': digest, location: `/v2/${name}/manifests/${digest}` });
    res.end();
    return;
  }
  if (!existsSync(repositoryDir)) {
    error(res, 404, 'NAME_UNKNOWN', `repository ${name} not known to registry`);
    return;
  }
  if (kind === 'tags') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ name, tags: readdirSync(repositoryDir).sort() }));
    return;
  }
  const digest = resolveReference(storeDir, name, reference);
  const stored = digest === undefined ? undefined : readStoredManifest(storeDir, digest);
  if (digest === undefined || stored === undefined) {
    error(res, 404, 'MANIFEST_UNKNOWN', `manifest unknown: ${name}:${reference}`);
    return;
  }
  res.writeHead(200, {
    'docker-content-digest': digest,
    'content-type': stored.mediaType,
    'content-length': stored.body.length,
  });
  res.end(req.method === 'HEAD' ? undefined : stored.body);
}

/**
 * Starts the registry on a free loopback port, keeping manifests in `storeDir`; `repositories` exist from
 * the start, as the pipeline stack creates its ECR repository before any build runs.
 */
export async function startFolderRegistry(
  storeDir: string,
  repositories: readonly string[],
): Promise<FolderRegistry> {
  for (const name of repositories) mkdirSync(path.join(storeDir, 'repositories', name), { recursive: true });
  const server = http.createServer((req, res) => {
    handle(storeDir, req, res).catch((caught: unknown) => {
      if (!res.headersSent) error(res, 500, 'UNKNOWN', String(caught));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
