import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { main as aws, REGISTRY_URL_VARIABLE } from '../../../src/release-build/aws-stand-in';
import {
  main as docker,
  FOLDER_DOCKER_VARIABLES,
  type FolderDockerDeps,
} from '../../../src/up/release/folder-docker';
import { folderImageDigest } from '../../../src/up/release/folder-image';
import { type FolderRegistry, startFolderRegistry } from '../../../src/up/release/folder-registry';

/** Runs a stand-in's main and returns its exit status and what it printed. */
async function call(
  program: (argv: readonly string[], deps: FolderDockerDeps) => Promise<number>,
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await program(argv, { env, stdout, stderr, stdin: () => 'password' });
  return { code, stdout: out, stderr: err };
}

describe('the folder registry, asked by the aws stand-in and the folder docker', () => {
  let dir: string;
  let registry: FolderRegistry;
  let env: NodeJS.ProcessEnv;
  const repository = (): string => `${registry.host}/rollback-rehearsal`;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'folder-registry-'));
    registry = await startFolderRegistry(path.join(dir, 'registry'), ['rollback-rehearsal']);
    env = {
      [REGISTRY_URL_VARIABLE]: registry.url,
      [FOLDER_DOCKER_VARIABLES.registryUrl]: registry.url,
      [FOLDER_DOCKER_VARIABLES.engineDir]: path.join(dir, 'engine'),
      [FOLDER_DOCKER_VARIABLES.imageStore]: path.join(dir, 'images'),
    };
  });
  afterEach(async () => {
    await registry.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An image folder as `docker build --tag <repository>:<tag>` leaves it in the engine's storage. */
  const built = (tag: string): string => {
    const image = path.join(dir, 'engine', 'images', `${repository()}:${tag}`.replace(/[/:@]/g, '_'));
    mkdirSync(path.join(image, 'app'), { recursive: true });
    writeFileSync(path.join(image, 'app', 'server.js'), 'listen()\n');
    writeFileSync(path.join(image, 'config.json'), '{}\n');
    return folderImageDigest(image);
  };

  const describeImage = (tag: string) =>
    call(
      aws,
      [
        'ecr',
        'describe-images',
        '--repository-name',
        'rollback-rehearsal',
        '--image-ids',
        `imageTag=${tag}`,
        '--query',
        'imageDetails[0].imageDigest',
        '--output',
        'text',
      ],
      env,
    );

  test('a tag not pushed is ImageNotFoundException, as the AWS CLI reports it', async () => {
    const missing = await describeImage('content-abc');
    expect(missing.code).toBe(254);
    expect(missing.stderr).toContain('An error occurred (ImageNotFoundException)');
  });

  test('docker push stores the folder by content and the registry digest is what inspect and ECR report', async () => {
    const content = built('c1');
    const pushed = await call(docker, ['push', `${repository()}:c1`], env);
    expect(pushed.code).toBe(0);

    const inspected = await call(
      docker,
      ['inspect', '--format', '{{range .RepoDigests}}{{println .}}{{end}}', `${repository()}:c1`],
      env,
    );
    const [, digest] = /@(sha256:[a-f0-9]{64})\n$/.exec(inspected.stdout) ?? [];
    expect(digest).toBeDefined();
    expect((await describeImage('c1')).stdout).toBe(`${digest}\n`);
    const manifest = await call(
      aws,
      [
        'ecr',
        'batch-get-image',
        '--repository-name',
        'rollback-rehearsal',
        '--image-ids',
        `imageDigest=${digest}`,
        '--query',
        'images[0].imageManifest',
        '--output',
        'text',
      ],
      env,
    );
    expect(JSON.parse(manifest.stdout)).toMatchObject({ config: { digest: content } });

    // The buildspec's retag: the content key's tag on the same manifest gives the same digest.
    const retagged = await call(
      aws,
      [
        'ecr',
        'put-image',
        '--repository-name',
        'rollback-rehearsal',
        '--image-tag',
        'content-k',
        '--image-manifest',
        manifest.stdout.trim(),
        '--query',
        'image.imageId.imageDigest',
        '--output',
        'text',
      ],
      env,
    );
    expect(retagged.stdout).toBe(`${digest}\n`);
    expect((await describeImage('content-k')).stdout).toBe(`${digest}\n`);
  });

  test('refuses a docker call it does not stand in for', async () => {
    const refused = await call(docker, ['run', 'x'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("'docker run' is not stood in for");
  });
});
