import { PassThrough } from 'node:stream';
import { main, REGISTRY_URL_VARIABLE } from '../../src/release-build/aws-stand-in';
import { startFakeRegistry } from './fake-registry';

const DIGEST = `sha256:${'c'.repeat(64)}`;
const COMMIT = '0123456789abcdef0123456789abcdef01234567';

let registry: Awaited<ReturnType<typeof startFakeRegistry>>;
beforeAll(async () => {
  registry = await startFakeRegistry({ 'rollback-rehearsal': { [COMMIT]: DIGEST } });
});
afterAll(() => registry.close());

async function aws(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const code = await main(argv, { env: { [REGISTRY_URL_VARIABLE]: registry.base }, stdout, stderr });
  return { code, stdout: out, stderr: err };
}

/** The buildspec's own call, with the tag it asks for. */
const describeDigest = (tag: string, repository = 'rollback-rehearsal') =>
  aws(
    'ecr',
    'describe-images',
    '--region',
    'us-east-1',
    '--repository-name',
    repository,
    '--image-ids',
    `imageTag=${tag}`,
    '--query',
    'imageDetails[0].imageDigest',
    '--output',
    'text',
  );

describe('the aws stand-in', () => {
  it('answers describe-images of a pushed tag with the digest the registry reports', async () => {
    expect(await describeDigest(COMMIT)).toEqual({ code: 0, stdout: `${DIGEST}\n`, stderr: '' });
  });

  it('fails describe-images of a missing tag as the CLI does: ImageNotFoundException, exit 254', async () => {
    const result = await describeDigest('not-pushed');
    expect(result.code).toBe(254);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      /An error occurred \(ImageNotFoundException\) when calling the DescribeImages operation: The image with imageId \{imageDigest:'null', imageTag:'not-pushed'\} does not exist within the repository with name 'rollback-rehearsal'/,
    );
  });

  it('fails describe-images of a missing repository with RepositoryNotFoundException, exit 254', async () => {
    const result = await describeDigest(COMMIT, 'elsewhere');
    expect(result.code).toBe(254);
    expect(result.stderr).toMatch(/\(RepositoryNotFoundException\).*'elsewhere'/);
  });

  it('prints a password for get-login-password', async () => {
    const result = await aws('ecr', 'get-login-password', '--region', 'us-east-1');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^[A-Za-z0-9+/=]+$/);
  });

  it.each([
    [['sts', 'get-caller-identity']],
    [['ecr', 'batch-delete-image', '--repository-name', 'rollback-rehearsal']],
    [
      [
        'ecr',
        'describe-images',
        '--repository-name',
        'x',
        '--image-ids',
        'imageTag=y',
        '--query',
        'imageDetails',
      ],
    ],
  ])('refuses any other call loudly: aws %j', async (argv) => {
    const result = await aws(...argv);
    expect(result.code).toBe(255);
    expect(result.stderr).toMatch(/aws stand-in: /);
  });
});
