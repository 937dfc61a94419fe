import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { SAMPLE, sampleEnv } from './release/sample-variables';

/*
 * buildspec.yml's commands, every phase in one bash session as CodeBuild runs them, on a tree holding
 * what a reusing build reads (the release templates and the bundled release step), with stand-ins for
 * aws, docker and npm that record their calls. The aws stand-in answers from a small tag table, as an
 * immutable ECR repository would.
 */

const ROOT = join(__dirname, '..', '..');
const buildspec = parse(readFileSync(join(ROOT, 'buildspec.yml'), 'utf8')) as {
  env: { variables: Record<string, string> };
  phases: Record<string, { commands: string[] }>;
};
const DIGEST = `sha256:${'c'.repeat(64)}`;
const MANIFEST = '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}';

/** `aws`: describe-images answers from $TAGS_DIR/<tag>; put-image adds a tag unless it exists. */
const AWS = `#!/usr/bin/env bash
echo "aws $*" >> "$CALLS"
op="$2"; shift 2
while [ $# -gt 0 ]; do
  case "$1" in
    --image-ids) ids="$2"; shift ;;
    --image-tag) tag="$2"; shift ;;
    --image-manifest) manifest="$2"; shift ;;
  esac
  shift
done
case "$op" in
  get-login-password) echo password ;;
  describe-images)
    t="\${ids#imageTag=}"
    if [ -f "$TAGS_DIR/$t" ]; then cat "$TAGS_DIR/$t"; else echo "An error occurred (ImageNotFoundException)" >&2; exit 254; fi ;;
  batch-get-image) echo '${MANIFEST}' ;;
  put-image)
    [ "$manifest" = '${MANIFEST}' ] || { echo "manifest changed: $manifest" >&2; exit 254; }
    if [ -f "$TAGS_DIR/$tag" ]; then echo "An error occurred (ImageTagAlreadyExistsException)" >&2; exit 254; fi
    echo "$PUSHED_DIGEST" > "$TAGS_DIR/$tag"; echo "$PUSHED_DIGEST" ;;
  *) exit 255 ;;
esac
`;

const DOCKER = `#!/usr/bin/env bash
echo "docker $*" >> "$CALLS"
# login --password-stdin reads the password, as docker does; without it aws would write into a closed pipe.
if [ "$1" = login ]; then cat > /dev/null; fi
if [ "$1" = push ]; then echo "$PUSHED_DIGEST" > "$TAGS_DIR/\${2##*:}"; fi
if [ "$1" = inspect ]; then echo "\${@: -1}" | sed "s/:[^:]*$/@$PUSHED_DIGEST/"; fi
`;

const NPM = `#!/usr/bin/env bash
echo "npm $*" >> "$CALLS"
`;

interface Build {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly calls: string[];
  readonly tags: Record<string, string>;
}

describe('buildspec.yml on a tree whose content key ECR already holds', () => {
  let dir: string;
  let src: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'reuse-buildspec-'));
    src = join(dir, 'src');
    mkdirSync(join(src, 'pipeline/release/bundled'), { recursive: true });
    for (const file of readdirSync(join(ROOT, 'pipeline/release/bundled'))) {
      copyFileSync(join(ROOT, 'pipeline/release/bundled', file), join(src, 'pipeline/release/bundled', file));
    }
    copyFileSync(join(ROOT, 'appspec.yml'), join(src, 'appspec.yml'));
    mkdirSync(join(dir, 'tags'));
    mkdirSync(join(dir, 'bin'));
    for (const [name, text] of [
      ['aws', AWS],
      ['docker', DOCKER],
      ['npm', NPM],
    ] as const) {
      writeFileSync(join(dir, 'bin', name), text);
      chmodSync(join(dir, 'bin', name), 0o755);
    }
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function writeTaskdef(faults: string): void {
    const taskdef = JSON.parse(readFileSync(join(ROOT, 'taskdef.json'), 'utf8')) as {
      containerDefinitions: { environment: { name: string; value: string }[] }[];
    };
    taskdef.containerDefinitions[0]!.environment.find((e) => e.name === 'FAULTS')!.value = faults;
    writeFileSync(join(src, 'taskdef.json'), `${JSON.stringify(taskdef, null, 2)}\n`);
  }

  /** Runs every command of every phase in one bash, stopping at the first that fails. */
  function build(commit: string): Build {
    const script = Object.values(buildspec.phases)
      .flatMap((phase) => phase.commands)
      .map((command) => `${command}\n`)
      .join('');
    const env = sampleEnv({ appVersion: undefined, imageUri: undefined });
    rmSync(join(dir, 'calls'), { force: true });
    // Each build gets the commit afresh: nothing an earlier build wrote.
    for (const written of ['release', 'reports', '.tsc-cache'])
      rmSync(join(src, written), { recursive: true, force: true });
    const result = spawnSync('bash', ['-c', `set -eo pipefail\n${script}`], {
      cwd: src,
      env: {
        // CodeBuild sets the buildspec's own variables, then the project's and the action's over them.
        ...buildspec.env.variables,
        TSC_CACHE_DIR: join(dir, 'tsc-cache'),
        ...env,
        PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
        CODEBUILD_RESOLVED_SOURCE_VERSION: commit,
        CALLS: join(dir, 'calls'),
        TAGS_DIR: join(dir, 'tags'),
        PUSHED_DIGEST: DIGEST,
      },
      encoding: 'utf8',
    });
    const calls = existsSync(join(dir, 'calls'))
      ? readFileSync(join(dir, 'calls'), 'utf8').trim().split('\n')
      : [];
    const tags = Object.fromEntries(
      readdirSync(join(dir, 'tags')).map((tag) => [tag, readFileSync(join(dir, 'tags', tag), 'utf8').trim()]),
    );
    return { status: result.status, stdout: result.stdout, stderr: result.stderr, calls, tags };
  }

  const contentTag = (tags: Record<string, string>): string =>
    Object.keys(tags).find((tag) => tag.startsWith('content-'))!;

  it('runs the whole build on a new key, and tags the pushed image with the key after rendering', () => {
    writeTaskdef('');
    const first = build('a'.repeat(40));
    expect(first.status).toBe(0);
    expect(
      first.calls.filter((c) => /^(npm|docker) /.test(c)).map((c) => c.split(' ').slice(0, 3).join(' ')),
    ).toEqual([
      'npm ci --no-audit',
      'npm run lint',
      'npm run typecheck',
      'npm run test:release',
      'docker login --username',
      'docker build --build-arg',
      'docker push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/rollback-rehearsal:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      'docker inspect --format',
    ]);
    expect(first.tags).toEqual({ ['a'.repeat(40)]: DIGEST, [contentTag(first.tags)]: DIGEST });
    expect(contentTag(first.tags)).toMatch(/^content-[a-f0-9]{64}$/);
    expect(first.stdout).toContain('no image tagged content-');
    expect(existsSync(join(src, 'reports/junit.xml'))).toBe(false);
  });

  it('reuses that image for a flip-only commit: no install, checks or image build; tags it with the commit', () => {
    writeTaskdef('');
    const full = build('a'.repeat(40));
    writeTaskdef('health-fail');
    const flip = build('b'.repeat(40));
    const key = contentTag(full.tags).slice('content-'.length);
    expect(flip.status).toBe(0);
    expect(flip.calls.filter((c) => /^(npm|docker) /.test(c))).toEqual([]);
    expect(flip.stdout).toContain(
      `Content key ${key}: ECR holds ${SAMPLE.repositoryUri}@${DIGEST} as content-${key}`,
    );
    expect(flip.calls).toContainEqual(
      expect.stringMatching(new RegExp(`^aws ecr put-image .*--image-tag ${'b'.repeat(40)} `)),
    );
    expect(flip.tags['b'.repeat(40)]).toBe(DIGEST);
    expect(JSON.parse(readFileSync(join(src, 'release/imageDetail.json'), 'utf8'))).toEqual({
      ImageURI: `${SAMPLE.repositoryUri}@${DIGEST}`,
    });
    const rendered = readFileSync(join(src, 'release/taskdef.json'), 'utf8');
    expect(rendered).toContain('"value": "health-fail"');
    const report = readFileSync(join(src, 'reports/junit.xml'), 'utf8');
    expect(report).toContain(`<testsuite name="content key ${key}"`);
  });

  it('fails a bad flip at the render step, naming the file, the value and the fix, and tags nothing', () => {
    writeTaskdef('');
    const full = build('a'.repeat(40));
    writeTaskdef('latency=90000');
    const bad = build('c'.repeat(40));
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain(
      'taskdef.json containerDefinitions[0].environment FAULTS: FAULTS="latency=90000"',
    );
    expect(bad.stderr).toContain('Fix: commit a valid value');
    expect(bad.calls.filter((c) => c.includes('put-image'))).toEqual([]);
    expect(bad.tags).toEqual(full.tags);
  });

  it('runs the whole build again when any other byte changes', () => {
    writeTaskdef('');
    build('a'.repeat(40));
    writeFileSync(join(src, 'appspec.yml'), `${readFileSync(join(src, 'appspec.yml'), 'utf8')}\n`);
    const changed = build('d'.repeat(40));
    expect(changed.status).toBe(0);
    expect(changed.calls).toContain('npm run test:release');
    expect(changed.calls.some((c) => c.startsWith('docker build'))).toBe(true);
    expect(Object.keys(changed.tags).filter((t) => t.startsWith('content-'))).toHaveLength(2);
  });
});
