import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';
import { parseBuildspec } from '../../src/release-build/buildspec';
import { checkArtifacts, type CheckArtifactsInput } from '../../src/release-build/check-artifacts';
import { startFakeRegistry } from './fake-registry';

const PUSHED = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const TAG = '0123456789abcdef0123456789abcdef01234567';
const SPEC = parseBuildspec(`version: 0.2
env:
  shell: bash
phases:
  build:
    commands: [echo]
reports:
  jest:
    base-directory: reports
    files: [junit.xml]
artifacts:
  base-directory: release
  files: [imageDetail.json, taskdef.json, appspec.yml]
`);

let registry: Awaited<ReturnType<typeof startFakeRegistry>>;
let src: string;
let host: string;

beforeAll(async () => {
  registry = await startFakeRegistry({
    'rollback-rehearsal': { [TAG]: PUSHED, [PUSHED]: PUSHED, 'content-same': PUSHED, 'content-other': OTHER },
  });
  host = new URL(registry.base).host;
});
afterAll(() => registry.close());

beforeEach(() => {
  src = mkdtempSync(join(tmpdir(), 'check-artifacts-'));
  mkdirSync(join(src, 'release'));
  mkdirSync(join(src, 'reports'));
  writeFileSync(
    join(src, 'release/imageDetail.json'),
    JSON.stringify({ ImageURI: `${host}/rollback-rehearsal@${PUSHED}` }),
  );
  writeFileSync(join(src, 'taskdef.json'), taskdefWithFaults('health-fail'));
  writeFileSync(join(src, 'release/taskdef.json'), taskdefWithFaults('health-fail'));
  writeFileSync(join(src, 'release/appspec.yml'), 'version: 0.0');
  writeFileSync(join(src, 'reports/junit.xml'), '<testsuites><testsuite name="a"/></testsuites>');
});
afterEach(() => rmSync(src, { recursive: true, force: true }));

const input = (overrides: Partial<CheckArtifactsInput> = {}): CheckArtifactsInput => ({
  spec: SPEC,
  srcDir: src,
  registryUrl: registry.base,
  registryHost: host,
  tag: TAG,
  checkDeployInputs: () => Promise.resolve({ code: 0, output: '' }),
  ...overrides,
});

const failures = async (overrides: Partial<CheckArtifactsInput> = {}) =>
  (await checkArtifacts(input(overrides))).filter((c) => !c.ok).map((c) => `${c.what}: ${c.detail}`);

describe('checking the build output as CodeBuild and the deploy stage take it', () => {
  it('passes a complete output whose image the registry holds under that digest', async () => {
    const checks = await checkArtifacts(input());
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(checks.map((c) => c.what)).toEqual([
      'artifact release/imageDetail.json',
      'artifact release/taskdef.json',
      'artifact release/appspec.yml',
      'report jest reports/junit.xml',
      'imageDetail.json names a pushed image',
      "taskdef.json releases the commit's FAULTS",
      'taskdef.json and appspec.yml as the deploy stage fills them',
    ]);
  });

  it('fails an imageDetail.json whose digest the registry does not hold', async () => {
    writeFileSync(
      join(src, 'release/imageDetail.json'),
      JSON.stringify({ ImageURI: `${host}/rollback-rehearsal@${OTHER}` }),
    );
    expect(await failures()).toEqual([
      `imageDetail.json names a pushed image: the registry holds no manifest rollback-rehearsal@${OTHER}: the deploy would pull nothing`,
    ]);
  });

  it("passes when the content key's tag names the image too, and fails when it is missing or names another", async () => {
    expect(await failures({ contentTag: 'content-same' })).toEqual([]);
    expect(await failures({ contentTag: 'content-none' })).toEqual([
      `imageDetail.json names a pushed image: rollback-rehearsal:content-none is not in the registry, but imageDetail.json says ${PUSHED}`,
    ]);
    expect(await failures({ contentTag: 'content-other' })).toEqual([
      `imageDetail.json names a pushed image: rollback-rehearsal:content-other is ${OTHER}, but imageDetail.json says ${PUSHED}`,
    ]);
  });

  it('fails an image in another registry', async () => {
    writeFileSync(
      join(src, 'release/imageDetail.json'),
      JSON.stringify({
        ImageURI: `123456789012.dkr.ecr.us-east-1.amazonaws.com/rollback-rehearsal@${PUSHED}`,
      }),
    );
    expect(await failures()).toEqual([expect.stringMatching(/is not in the rehearsal's registry/)]);
  });

  it('fails a missing test report, naming where the report group looks', async () => {
    rmSync(join(src, 'reports/junit.xml'));
    expect(await failures()).toEqual([
      'report jest reports/junit.xml: missing: report group jest looks for reports/junit.xml',
    ]);
  });

  it('fails a missing artifact file', async () => {
    rmSync(join(src, 'release/appspec.yml'));
    expect(await failures()).toEqual([expect.stringMatching(/^artifact release\/appspec.yml: missing/)]);
  });

  it("fails a release whose FAULTS is not the commit's, naming both values", async () => {
    writeFileSync(join(src, 'release/taskdef.json'), taskdefWithFaults(''));
    expect(await failures()).toEqual([
      `taskdef.json releases the commit's FAULTS: the commit says FAULTS="health-fail", the release would run FAULTS=""`,
    ]);
  });

  it("passes on the deploy-input check's own message when it fails", async () => {
    const checkDeployInputs = () =>
      Promise.resolve({ code: 1, output: 'taskdef.json has no <IMAGE1_NAME>\n' });
    expect(await failures({ checkDeployInputs })).toEqual([
      'taskdef.json and appspec.yml as the deploy stage fills them: taskdef.json has no <IMAGE1_NAME>',
    ]);
  });
});
