#!/usr/bin/env node
import { createHash } from 'node:crypto';
import { getManifest, lookUpManifest, putManifest } from './registry';

/*
 * The `aws` command of the release-build rehearsal. It answers the ECR calls buildspec.yml makes,
 * against the loopback registry standing in for ECR, the way the AWS CLI answers them, and refuses every
 * other call so that a new AWS call in the buildspec fails the rehearsal instead of passing unseen:
 * - `aws ecr get-login-password`: prints a password (the registry takes any);
 * - `aws ecr describe-images --repository-name N --image-ids imageTag=T [--query Q] [--output text|json]`:
 *   the image's digest from the registry (HEAD /v2/N/manifests/T). A missing tag or repository fails as the
 *   CLI does: "An error occurred (ImageNotFoundException) when calling the DescribeImages operation: ..."
 *   on stderr and exit status 254, "the service returned an error" (AWS CLI User Guide, "Command line
 *   return codes in the AWS CLI").
 * - `aws ecr batch-get-image --repository-name N --image-ids imageDigest=D|imageTag=T`: the manifest as
 *   stored (GET /v2/N/manifests/D). As in ECR an image not found is no error: it is listed in `failures`
 *   with failureCode ImageNotFound, and `--query 'images[0].imageManifest' --output text` prints None.
 * - `aws ecr put-image --repository-name N --image-tag T --image-manifest M`: stores M under T and answers
 *   with the digest (PUT /v2/N/manifests/T). The project's repository is immutable, so, as ECR does there,
 *   a tag that exists already is refused: ImageAlreadyExistsException when it names this very manifest,
 *   ImageTagAlreadyExistsException when it names another (ECR API Reference, "PutImage", Errors).
 * Together the last two retag an image without pulling it (ECR User Guide, "Retagging an image").
 */

/** The registry this stand-in asks, set by the `aws` wrapper the rehearsal puts on PATH. */
export const REGISTRY_URL_VARIABLE = 'RELEASE_BUILD_REGISTRY_URL';

/** Account id in the stand-in's answers: the registry id ECR reports is the account. */
export const STAND_IN_ACCOUNT = '123456789012';

const SERVICE_ERROR = 254;
const USAGE_ERROR = 252;
const NOT_STOOD_IN = 255;

export interface AwsStandInDeps {
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly fetch?: typeof fetch;
}

interface Parsed {
  readonly words: readonly string[];
  readonly options: ReadonlyMap<string, string>;
}

function parseCli(argv: readonly string[]): Parsed {
  const words: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    if (eq > 0) options.set(arg.slice(2, eq), arg.slice(eq + 1));
    else options.set(arg.slice(2), argv[++i] ?? '');
  }
  return { words, options };
}

function serviceError(deps: AwsStandInDeps, code: string, operation: string, message: string): number {
  deps.stderr.write(`\nAn error occurred (${code}) when calling the ${operation} operation: ${message}\n`);
  return SERVICE_ERROR;
}

async function describeImages(parsed: Parsed, deps: AwsStandInDeps, registryUrl: string): Promise<number> {
  const name = parsed.options.get('repository-name');
  const ids = parsed.options.get('image-ids') ?? '';
  const tag = /^imageTag=(.+)$/.exec(ids)?.[1];
  const query = parsed.options.get('query');
  const output = parsed.options.get('output') ?? 'json';
  if (!name || !tag) {
    deps.stderr.write(
      'aws stand-in: describe-images needs --repository-name and --image-ids imageTag=<tag>\n',
    );
    return USAGE_ERROR;
  }
  if (
    (query !== undefined && query !== 'imageDetails[0].imageDigest') ||
    !['json', 'text'].includes(output)
  ) {
    deps.stderr.write(
      `aws stand-in: describe-images answers --query 'imageDetails[0].imageDigest' (or none) with --output text or json, not ${query ?? ''} ${output}\n`,
    );
    return NOT_STOOD_IN;
  }
  const found = await lookUpManifest(registryUrl, name, tag, deps.fetch);
  if (found.kind === 'no-repository') {
    return serviceError(
      deps,
      'RepositoryNotFoundException',
      'DescribeImages',
      `The repository with name '${name}' does not exist in the registry with id '${STAND_IN_ACCOUNT}'`,
    );
  }
  if (found.kind === 'no-manifest') {
    return serviceError(
      deps,
      'ImageNotFoundException',
      'DescribeImages',
      `The image with imageId {imageDigest:'null', imageTag:'${tag}'} does not exist within the repository with name '${name}' in the registry with id '${STAND_IN_ACCOUNT}'`,
    );
  }
  const detail = {
    registryId: STAND_IN_ACCOUNT,
    repositoryName: name,
    imageDigest: found.digest,
    imageTags: [tag],
  };
  if (query !== undefined) {
    deps.stdout.write(output === 'text' ? `${found.digest}\n` : `${JSON.stringify(found.digest)}\n`);
  } else if (output === 'json') {
    deps.stdout.write(`${JSON.stringify({ imageDetails: [detail] }, null, 4)}\n`);
  } else {
    deps.stdout.write(`IMAGEDETAILS\t${found.digest}\t${STAND_IN_ACCOUNT}\t${name}\nIMAGETAGS\t${tag}\n`);
  }
  return 0;
}

/** The `--query` values the stand-in evaluates per operation; none means the whole answer as JSON. */
const QUERIES: Readonly<Record<string, readonly string[]>> = {
  'batch-get-image': ['images[0].imageManifest', 'images[].imageManifest'],
  'put-image': ['image.imageId.imageDigest'],
};

/** Prints `answer`, or the one string the query selects, as `--output` says; refuses a query it cannot evaluate. */
function printAnswer(
  parsed: Parsed,
  deps: AwsStandInDeps,
  operation: string,
  answer: unknown,
  selected: () => string | undefined,
): number {
  const query = parsed.options.get('query');
  const output = parsed.options.get('output') ?? 'json';
  if ((query !== undefined && !QUERIES[operation]?.includes(query)) || !['json', 'text'].includes(output)) {
    deps.stderr.write(
      `aws stand-in: ${operation} answers --query ${QUERIES[operation]?.map((q) => `'${q}'`).join(' or ')} (or none) with --output text or json, not ${query ?? ''} ${output}\n`,
    );
    return NOT_STOOD_IN;
  }
  if (query === undefined) {
    deps.stdout.write(`${JSON.stringify(answer, null, 4)}\n`);
    return 0;
  }
  const value = selected();
  // The CLI prints a missing value as None in text and null in JSON.
  deps.stdout.write(output === 'text' ? `${value ?? 'None'}\n` : `${JSON.stringify(value ?? null)}\n`);
  return 0;
}

async function batchGetImage(parsed: Parsed, deps: AwsStandInDeps, registryUrl: string): Promise<number> {
  const name = parsed.options.get('repository-name');
  const id = /^(imageDigest|imageTag)=(.+)$/.exec(parsed.options.get('image-ids') ?? '');
  if (!name || !id) {
    deps.stderr.write(
      'aws stand-in: batch-get-image needs --repository-name and --image-ids imageDigest=<digest> or imageTag=<tag>\n',
    );
    return USAGE_ERROR;
  }
  const [, kind, reference] = id as unknown as [string, 'imageDigest' | 'imageTag', string];
  const found = await getManifest(registryUrl, name, reference, deps.fetch);
  if (
    found === undefined &&
    (await lookUpManifest(registryUrl, name, reference, deps.fetch)).kind === 'no-repository'
  ) {
    return serviceError(
      deps,
      'RepositoryNotFoundException',
      'BatchGetImage',
      `The repository with name '${name}' does not exist in the registry with id '${STAND_IN_ACCOUNT}'`,
    );
  }
  const imageId = { [kind]: reference };
  const answer = found
    ? {
        images: [
          {
            registryId: STAND_IN_ACCOUNT,
            repositoryName: name,
            imageId: { ...imageId, imageDigest: found.digest },
            imageManifest: found.body,
            imageManifestMediaType: found.mediaType,
          },
        ],
        failures: [],
      }
    : {
        images: [],
        failures: [{ imageId, failureCode: 'ImageNotFound', failureReason: 'Requested image not found' }],
      };
  return printAnswer(parsed, deps, 'batch-get-image', answer, () => found?.body);
}

async function putImage(parsed: Parsed, deps: AwsStandInDeps, registryUrl: string): Promise<number> {
  const name = parsed.options.get('repository-name');
  const tag = parsed.options.get('image-tag');
  const body = parsed.options.get('image-manifest');
  if (!name || !tag || !body) {
    deps.stderr.write('aws stand-in: put-image needs --repository-name, --image-tag and --image-manifest\n');
    return USAGE_ERROR;
  }
  let mediaType = parsed.options.get('image-manifest-media-type');
  try {
    mediaType ??= (JSON.parse(body) as { mediaType?: string }).mediaType;
  } catch {
    return serviceError(
      deps,
      'InvalidParameterException',
      'PutImage',
      "Invalid parameter at 'imageManifest' failed to satisfy constraint: 'Invalid JSON syntax'",
    );
  }
  if (mediaType === undefined) {
    return serviceError(
      deps,
      'InvalidParameterException',
      'PutImage',
      'The image manifest has no mediaType: give --image-manifest-media-type',
    );
  }
  const held = await lookUpManifest(registryUrl, name, tag, deps.fetch);
  if (held.kind === 'no-repository') {
    return serviceError(
      deps,
      'RepositoryNotFoundException',
      'PutImage',
      `The repository with name '${name}' does not exist in the registry with id '${STAND_IN_ACCOUNT}'`,
    );
  }
  if (held.kind === 'found') {
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    return held.digest === digest
      ? serviceError(
          deps,
          'ImageAlreadyExistsException',
          'PutImage',
          `Image with digest '${digest}' and tag '${tag}' already exists in the repository with name '${name}' in registry with id '${STAND_IN_ACCOUNT}'`,
        )
      : serviceError(
          deps,
          'ImageTagAlreadyExistsException',
          'PutImage',
          `The image tag '${tag}' already exists in the '${name}' repository and cannot be overwritten because the tag is immutable.`,
        );
  }
  const digest = await putManifest(registryUrl, name, tag, { body, mediaType }, deps.fetch);
  const image = {
    registryId: STAND_IN_ACCOUNT,
    repositoryName: name,
    imageId: { imageDigest: digest, imageTag: tag },
    imageManifest: body,
    imageManifestMediaType: mediaType,
  };
  return printAnswer(parsed, deps, 'put-image', { image }, () => digest);
}

/** Answers one `aws ...` command line; returns the exit status the AWS CLI would. */
export async function main(argv: readonly string[], deps: AwsStandInDeps): Promise<number> {
  const parsed = parseCli(argv);
  const [service, operation] = parsed.words;
  const registryUrl = deps.env[REGISTRY_URL_VARIABLE];
  if (!registryUrl) {
    deps.stderr.write(
      `aws stand-in: ${REGISTRY_URL_VARIABLE} is not set; the release-build rehearsal sets it\n`,
    );
    return NOT_STOOD_IN;
  }
  if (service === 'ecr' && operation === 'get-login-password') {
    deps.stdout.write(`${Buffer.from(`AWS:release-build-rehearsal`).toString('base64')}\n`);
    return 0;
  }
  if (service === 'ecr' && operation === 'describe-images') return describeImages(parsed, deps, registryUrl);
  if (service === 'ecr' && operation === 'batch-get-image') return batchGetImage(parsed, deps, registryUrl);
  if (service === 'ecr' && operation === 'put-image') return putImage(parsed, deps, registryUrl);
  deps.stderr.write(
    `aws stand-in: "aws ${argv.join(' ')}" is not a call the release-build rehearsal answers (only ecr get-login-password, describe-images, batch-get-image and put-image); a new AWS call in buildspec.yml needs a stand-in in tools/src/release-build/aws-stand-in.ts\n`,
  );
  return NOT_STOOD_IN;
}

if (require.main === module) {
  main(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`aws stand-in: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = NOT_STOOD_IN;
    },
  );
}
