import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { freePort } from '../../src/local/free-port';
import { main as aws, REGISTRY_URL_VARIABLE } from '../../src/release-build/aws-stand-in';
import { startRegistry, type RunningRegistry } from '../../src/release-build/registry';

/*
 * The release-build rehearsal's stand-ins against the real registry it uses, Debian's docker-registry
 * (apt-get install -y docker-registry): an image pushed through the registry API, then the aws stand-in's
 * answers about it, then the registry stopped by its pid.
 */
const NAME = 'rollback-rehearsal';
const TAG = '0123456789abcdef0123456789abcdef01234567';
const sha256 = (bytes: Buffer): string => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

let dir: string;
let registry: RunningRegistry;

async function pushBlob(bytes: Buffer): Promise<{ digest: string; size: number }> {
  const started = await fetch(`${registry.url}/v2/${NAME}/blobs/uploads/`, { method: 'POST' });
  expect(started.status).toBe(202);
  const location = new URL(started.headers.get('location')!, registry.url);
  location.searchParams.set('digest', sha256(bytes));
  const put = await fetch(location, {
    method: 'PUT',
    body: new Uint8Array(bytes),
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(put.status).toBe(201);
  return { digest: sha256(bytes), size: bytes.length };
}

/** Pushes a minimal OCI image and returns the manifest digest the registry reports. */
async function pushImage(): Promise<string> {
  const config = await pushBlob(
    Buffer.from('{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}'),
  );
  const layer = await pushBlob(Buffer.from('not really a layer'));
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
    }),
  );
  const put = await fetch(`${registry.url}/v2/${NAME}/manifests/${TAG}`, {
    method: 'PUT',
    body: new Uint8Array(manifest),
    headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
  });
  expect(put.status).toBe(201);
  return put.headers.get('docker-content-digest')!;
}

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  err.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await aws(argv, { env: { [REGISTRY_URL_VARIABLE]: registry.url }, stdout: out, stderr: err });
  return { code, stdout, stderr };
}

const describe_ = (tag: string) =>
  run(
    'ecr',
    'describe-images',
    '--repository-name',
    NAME,
    '--image-ids',
    `imageTag=${tag}`,
    '--query',
    'imageDetails[0].imageDigest',
    '--output',
    'text',
  );

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'release-registry-'));
  registry = await startRegistry(dir, await freePort());
});
afterAll(async () => {
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the aws stand-in against docker-registry', () => {
  it('answers a repository nobody pushed to with RepositoryNotFoundException, exit 254', async () => {
    const result = await describe_(TAG);
    expect(result.code).toBe(254);
    expect(result.stderr).toMatch(/RepositoryNotFoundException/);
  });

  it('answers a pushed tag with the digest the registry reported on push', async () => {
    const digest = await pushImage();
    expect(digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(await describe_(TAG)).toEqual({ code: 0, stdout: `${digest}\n`, stderr: '' });
  });

  it('answers a tag never pushed with ImageNotFoundException, exit 254', async () => {
    const result = await describe_('not-pushed');
    expect(result.code).toBe(254);
    expect(result.stderr).toMatch(/ImageNotFoundException/);
  });

  it('retags the pushed image as the buildspec does, keeping its digest, and refuses an existing tag', async () => {
    const digest = (await describe_(TAG)).stdout.trim();
    const manifest = await run(
      'ecr',
      'batch-get-image',
      '--repository-name',
      NAME,
      '--image-ids',
      `imageDigest=${digest}`,
      '--query',
      'images[0].imageManifest',
      '--output',
      'text',
    );
    expect(manifest).toMatchObject({ code: 0, stderr: '' });
    const put = (tag: string) =>
      run(
        'ecr',
        'put-image',
        '--repository-name',
        NAME,
        '--image-tag',
        tag,
        '--image-manifest',
        manifest.stdout.replace(/\n$/, ''),
        '--query',
        'image.imageId.imageDigest',
        '--output',
        'text',
      );
    expect(await put('content-abc')).toEqual({ code: 0, stdout: `${digest}\n`, stderr: '' });
    expect(await describe_('content-abc')).toEqual({ code: 0, stdout: `${digest}\n`, stderr: '' });
    const again = await put('content-abc');
    expect(again.code).toBe(254);
    expect(again.stderr).toMatch(/\(ImageAlreadyExistsException\) when calling the PutImage operation/);
  });

  it('refuses to move an existing tag to another manifest: ImageTagAlreadyExistsException, exit 254', async () => {
    const other = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
    });
    const result = await run(
      'ecr',
      'put-image',
      '--repository-name',
      NAME,
      '--image-tag',
      TAG,
      '--image-manifest',
      other,
    );
    expect(result.code).toBe(254);
    expect(result.stderr).toMatch(
      /\(ImageTagAlreadyExistsException\).*cannot be overwritten because the tag is immutable/,
    );
  });

  it('lists an image it cannot find under failures, as ECR does, and prints None for its manifest', async () => {
    const result = await run(
      'ecr',
      'batch-get-image',
      '--repository-name',
      NAME,
      '--image-ids',
      `imageDigest=sha256:${'0'.repeat(64)}`,
      '--query',
      'images[0].imageManifest',
      '--output',
      'text',
    );
    expect(result).toEqual({ code: 0, stdout: 'None\n', stderr: '' });
    const whole = await run(
      'ecr',
      'batch-get-image',
      '--repository-name',
      NAME,
      '--image-ids',
      'imageTag=gone',
    );
    expect(JSON.parse(whole.stdout)).toEqual({
      images: [],
      failures: [
        {
          imageId: { imageTag: 'gone' },
          failureCode: 'ImageNotFound',
          failureReason: 'Requested image not found',
        },
      ],
    });
  });

  it('stops the registry by its pid', async () => {
    const pid = registry.pid;
    await registry.stop();
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
