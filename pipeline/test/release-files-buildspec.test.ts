import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BUILD_VARIABLES, PROJECT_VARIABLE_KEYS } from '../../contract/build-variables';
import {
  APPSPEC_FILE,
  IMAGE_DETAIL_FILE,
  RELEASE_OUTPUT_DIR,
  TASKDEF_FILE,
} from '../../contract/release-file-names';

const ROOT = join(__dirname, '..', '..');
const buildspec = parse(readFileSync(join(ROOT, 'buildspec.yml'), 'utf8'));
const commands = (phase: string): string[] => (buildspec.phases[phase] as { commands: string[] }).commands;
const all = (): string[] => ['install', 'pre_build', 'build'].flatMap(commands);
const indexOf = (pattern: RegExp): number => all().findIndex((c) => pattern.test(c));

/** Runs the buildspec's first command in bash with only the given variables (and PATH). */
function runCheck(env: Record<string, string>): { status: number | null; stderr: string; stdout: string } {
  const script = `${commands('install')[0]}\necho "APP_VERSION=$APP_VERSION"`;
  const result = spawnSync('bash', ['-c', script], {
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
  });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

type Reporter = string | [string, { outputDirectory: string; outputName: string }];

/** jest.config.js, loaded the way Jest loads it. */
function jestConfigFile(): { reporters: Reporter[] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file, read as Jest reads it
  return require(join(ROOT, 'jest.config.js')) as { reporters: Reporter[] };
}

const CHECKED = [...PROJECT_VARIABLE_KEYS.map((k) => BUILD_VARIABLES[k]), BUILD_VARIABLES.region];
const ALL_SET = Object.fromEntries(CHECKED.map((name) => [name, 'x']));

describe('buildspec.yml', () => {
  it('is version 0.2, runs in bash and stops at the first failing phase', () => {
    expect(buildspec.version).toBe(0.2);
    expect(buildspec.env.shell).toBe('bash');
    expect(Object.keys(buildspec.phases)).toEqual(['install', 'pre_build', 'build']);
    for (const phase of Object.values<{ 'on-failure': string }>(buildspec.phases)) {
      expect(phase['on-failure']).toBe('ABORT');
    }
  });

  it('uses a Node runtime the package supports', () => {
    const engines = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).engines.node as string;
    const minimum = Number(/>=\s*(\d+)/.exec(engines)![1]);
    expect(Number(buildspec.phases.install['runtime-versions'].nodejs)).toBeGreaterThanOrEqual(minimum);
  });

  it('first checks every variable the pipeline stack sets, before installing anything', () => {
    const check = commands('install')[0]!;
    for (const name of CHECKED) expect(check).toContain(name);
    expect(indexOf(/\bnpm ci /)).toBeGreaterThan(0);
  });

  it('fails the check naming every missing variable', () => {
    const { status, stderr } = runCheck({ [BUILD_VARIABLES.taskFamily]: 'f' });
    expect(status).toBe(1);
    expect(stderr).toContain(
      `Build variables not set: ${CHECKED.filter((n) => n !== BUILD_VARIABLES.taskFamily).join(' ')}.`,
    );
  });

  it('passes the check when all are set, taking the commit from CodeBuild when the action gives none', () => {
    expect(runCheck({ ...ALL_SET, APP_VERSION: 'abc123' })).toMatchObject({
      status: 0,
      stdout: 'APP_VERSION=abc123\n',
    });
    expect(runCheck({ ...ALL_SET, CODEBUILD_RESOLVED_SOURCE_VERSION: 'def456' })).toMatchObject({
      status: 0,
      stdout: 'APP_VERSION=def456\n',
    });
    expect(runCheck(ALL_SET)).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('no commit to tag the image with'),
    });
  });

  it('takes the content key, then installs, lints, type-checks and tests before it logs in to ECR and builds the image', () => {
    const order = [
      /content-key\.js/,
      /\bnpm ci /,
      /\bnpm run lint$/,
      /\bnpm run typecheck -- --incremental --tsBuildInfoFile \.tsc-cache\/typecheck\.tsbuildinfo; \}$/,
      /\bnpm run test:release$/,
      /docker login/,
      /docker build/,
    ].map(indexOf);
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('tags the image with the commit, passes it as APP_VERSION, pushes it and records it by digest', () => {
    const build = commands('build')[0]!;
    expect(build).toContain(
      'docker build --build-arg APP_VERSION="$APP_VERSION" --tag "$ECR_REPOSITORY_URI:$APP_VERSION" .',
    );
    expect(build).toContain('docker push "$ECR_REPOSITORY_URI:$APP_VERSION"');
    expect(build).toContain('export IMAGE_URI="$ECR_REPOSITORY_URI@$digest"');
  });

  describe('image step, run against stand-ins for the aws and docker commands', () => {
    const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/rollback-rehearsal';
    const DIGEST = `sha256:${'c'.repeat(64)}`;
    let bin: string;

    beforeEach(() => {
      bin = mkdtempSync(join(tmpdir(), 'buildspec-bin-'));
    });
    afterEach(() => rmSync(bin, { recursive: true, force: true }));

    function stub(name: string, body: string): void {
      writeFileSync(join(bin, name), `#!/usr/bin/env bash\necho "${name} $*" >> "${bin}/calls"\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }

    function runImageStep(): { status: number | null; imageUri: string; calls: string[] } {
      const script = `${commands('build')[0]}\necho "IMAGE_URI=$IMAGE_URI"`;
      const result = spawnSync('bash', ['-c', script], {
        env: {
          PATH: `${bin}:${process.env.PATH ?? ''}`,
          ECR_REPOSITORY_URI: REPO,
          APP_VERSION: 'abc123',
          AWS_REGION: 'eu-west-1',
        },
        encoding: 'utf8',
      });
      let calls: string[] = [];
      try {
        calls = readFileSync(join(bin, 'calls'), 'utf8').trim().split('\n');
      } catch {
        // no stub was called
      }
      return { status: result.status, imageUri: /IMAGE_URI=(.*)/.exec(result.stdout)?.[1] ?? '', calls };
    }

    it('builds, pushes and takes the digest of the pushed image when the commit has no image yet', () => {
      stub('aws', 'echo None');
      stub(
        'docker',
        `if [ "$1" = inspect ]; then printf 'other/repo@sha256:${'d'.repeat(64)}\\n${REPO}@${DIGEST}\\n'; fi`,
      );
      const { status, imageUri, calls } = runImageStep();
      expect(status).toBe(0);
      expect(imageUri).toBe(`${REPO}@${DIGEST}`);
      expect(calls[0]).toContain(
        'ecr describe-images --region eu-west-1 --repository-name rollback-rehearsal --image-ids imageTag=abc123',
      );
      expect(calls.slice(1).map((c) => c.split(' ').slice(0, 2).join(' '))).toEqual([
        'docker build',
        'docker push',
        'docker inspect',
      ]);
    });

    it.each([
      ['docker build', 'if [ "$1" = build ]; then exit 1; fi', ['docker build']],
      ['docker push', 'if [ "$1" = push ]; then exit 1; fi', ['docker build', 'docker push']],
    ])('stops with a failure, and sets no IMAGE_URI, when %s fails', (_step, body, called) => {
      stub('aws', 'echo None');
      stub('docker', body);
      const { status, imageUri, calls } = runImageStep();
      expect(status).not.toBe(0);
      expect(imageUri).toBe('');
      expect(
        calls.filter((c) => c.startsWith('docker')).map((c) => c.split(' ').slice(0, 2).join(' ')),
      ).toEqual(called);
    });

    it('releases the image already pushed for this commit without building again', () => {
      stub('aws', `echo ${DIGEST}`);
      stub('docker', 'exit 1');
      const { status, imageUri, calls } = runImageStep();
      expect(status).toBe(0);
      expect(imageUri).toBe(`${REPO}@${DIGEST}`);
      expect(calls.filter((c) => c.startsWith('docker'))).toEqual([]);
    });
  });

  it('renders the release files into the directory it publishes with the bundled render step, no compile needed', () => {
    expect(indexOf(/^npm run build$/)).toBe(-1);
    expect(commands('build')).toContain(
      `node pipeline/release/bundled/render-release-files.js --out ${RELEASE_OUTPUT_DIR}`,
    );
    expect(buildspec.artifacts).toEqual({
      'base-directory': RELEASE_OUTPUT_DIR,
      files: [IMAGE_DETAIL_FILE, TASKDEF_FILE, APPSPEC_FILE],
    });
  });

  it('publishes the JUnit file jest-junit writes as a test report', () => {
    const jestConfig = jestConfigFile();
    const junit = jestConfig.reporters.find(
      (r): r is Exclude<Reporter, string> => Array.isArray(r) && r[0] === 'jest-junit',
    )![1];
    expect(buildspec.reports.jest).toEqual({
      'base-directory': junit.outputDirectory,
      files: [junit.outputName],
      'file-format': 'JUNITXML',
    });
  });

  it("caches npm's download cache and TypeScript's incremental build info between builds", () => {
    expect(buildspec.cache.paths).toEqual([
      '/root/.npm/**/*',
      `${buildspec.env.variables.TSC_CACHE_DIR}/**/*`,
    ]);
    // The build info sits behind a link in the source directory, so its relative paths hold in every build.
    expect(indexOf(/ln -sfn "\$TSC_CACHE_DIR" \.tsc-cache && npm run typecheck/)).toBeGreaterThan(-1);
  });
});
