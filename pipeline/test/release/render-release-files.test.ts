import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parse } from 'yaml';
import { faultsIn, taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';
import { main, type RenderDeps } from '../../release/render-release-files';
import { SAMPLE, sampleEnv } from './sample-variables';

const ROOT = join(__dirname, '../../..');

function capture(): PassThrough & { text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(stream, { text: () => text });
}

describe('render-release-files entry', () => {
  let dir: string;
  let templates: string;
  let stdout: ReturnType<typeof capture>;
  let stderr: ReturnType<typeof capture>;
  const deps = (env: NodeJS.ProcessEnv): RenderDeps => ({ env, cwd: dir, stdout, stderr });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'render-release-'));
    templates = join(dir, 'templates');
    mkdirSync(templates);
    writeFileSync(join(templates, 'taskdef.json'), taskdefWithFaults(''));
    copyFileSync(join(ROOT, 'appspec.yml'), join(templates, 'appspec.yml'));
    stdout = capture();
    stderr = capture();
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the three files the deploy action reads', async () => {
    const code = await main(['--out', 'release', '--templates', 'templates'], deps(sampleEnv()));
    expect(stderr.text()).toBe('');
    expect(code).toBe(0);
    const out = join(dir, 'release');
    expect(JSON.parse(readFileSync(join(out, 'imageDetail.json'), 'utf8'))).toEqual({
      ImageURI: SAMPLE.imageUri,
    });
    const taskdef = JSON.parse(readFileSync(join(out, 'taskdef.json'), 'utf8'));
    expect(taskdef.taskRoleArn).toBe(SAMPLE.taskRoleArn);
    expect(taskdef.containerDefinitions[0].image).toBe('<IMAGE1_NAME>');
    expect(parse(readFileSync(join(out, 'appspec.yml'), 'utf8')).Hooks).toEqual([
      { AfterAllowTestTraffic: SAMPLE.hookFunctionName },
    ]);
  });

  it('exits 1 naming the missing variable and writes nothing', async () => {
    const code = await main(
      ['--out', 'release', '--templates', 'templates'],
      deps(sampleEnv({ taskFamily: undefined })),
    );
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(
      /Release files not rendered\. build variables: 1 not usable:\n {2}TASK_FAMILY is not set/,
    );
    expect(existsSync(join(dir, 'release'))).toBe(false);
  });

  it('renders a flipped commit, its FAULTS carried into the release', async () => {
    writeFileSync(join(templates, 'taskdef.json'), taskdefWithFaults('health-fail,latency=1500'));
    const code = await main(['--out', 'release', '--templates', 'templates'], deps(sampleEnv()));
    expect(code).toBe(0);
    expect(faultsIn(readFileSync(join(dir, 'release', 'taskdef.json'), 'utf8'))).toBe(
      'health-fail,latency=1500',
    );
  });

  it('exits 1 on a bad fault flip and writes nothing', async () => {
    writeFileSync(join(templates, 'taskdef.json'), taskdefWithFaults('health-fail=yes'));
    const code = await main(['--out', 'release', '--templates', 'templates'], deps(sampleEnv()));
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(
      /FAULTS="health-fail=yes" is not valid: fault "health-fail" takes no value/,
    );
    expect(existsSync(join(dir, 'release'))).toBe(false);
  });

  it('exits 1 when the AppSpec routes traffic to a port the container does not map', async () => {
    const file = join(templates, 'appspec.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('ContainerPort: 8080', 'ContainerPort: 9999'));
    const code = await main(['--out', 'release', '--templates', 'templates'], deps(sampleEnv()));
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(
      /appspec\.yml LoadBalancerInfo\.ContainerPort: is 9999 but container "app" in taskdef\.json maps 8080/,
    );
  });

  it("exits 1 when the AppSpec names another hook than the service stack's", async () => {
    const code = await main(
      ['--out', 'release', '--templates', 'templates'],
      deps(sampleEnv({ hookFunctionName: 'CodeDeployHook_other' })),
    );
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(
      /Hooks AfterAllowTestTraffic: is "CodeDeployHook_rollback-rehearsal-test-traffic" but the service stack's test-traffic hook is "CodeDeployHook_other"/,
    );
  });

  it('exits 1 when a template is missing', async () => {
    rmSync(join(templates, 'appspec.yml'));
    const code = await main(['--out', 'release', '--templates', 'templates'], deps(sampleEnv()));
    expect(code).toBe(1);
    expect(stderr.text()).toMatch(/appspec\.yml: cannot be read from/);
  });

  it('exits 2 with the usage when --out is missing or an option is unknown', async () => {
    expect(await main([], deps(sampleEnv()))).toBe(2);
    expect(stderr.text()).toMatch(/--out is required[\s\S]*Usage:/);
    expect(await main(['--out', 'x', '--force'], deps(sampleEnv()))).toBe(2);
  });
});
