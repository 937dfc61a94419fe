import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
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
import { basename, join } from 'node:path';
import { bundleRelease, ENTRIES, OUT_DIR } from '../../release/bundle';
import { SAMPLE, sampleEnv } from './sample-variables';

const ROOT = join(__dirname, '../../..');

describe('the release step, bundled', () => {
  it('is committed exactly as npm run bundle:release makes it from the sources', () => {
    const made = bundleRelease(ROOT)!;
    expect(made.map((file) => file.path).sort()).toEqual(
      ENTRIES.map((entry) => `${OUT_DIR}/${basename(entry, '.ts')}.js`).sort(),
    );
    for (const file of made) {
      // On failure: run `npm run bundle:release` and commit pipeline/release/bundled/.
      expect({
        file: file.path,
        upToDate: readFileSync(join(ROOT, file.path), 'utf8') === file.text,
      }).toEqual({
        file: file.path,
        upToDate: true,
      });
    }
  });

  it('loads nothing but Node built-ins, so it runs before npm ci', () => {
    const builtins = new Set(builtinModules);
    for (const entry of ENTRIES) {
      const code = readFileSync(join(ROOT, OUT_DIR, `${basename(entry, '.ts')}.js`), 'utf8');
      const required = [...code.matchAll(/\brequire\("([^"]+)"\)/g)].map((m) => m[1]!);
      expect(required.filter((id) => !id.startsWith('node:') && !builtins.has(id))).toEqual([]);
    }
  });

  describe('render-release-files.js copied where no node_modules can be found', () => {
    let dir: string;
    let script: string;

    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'bundled-render-'));
      script = join(dir, 'render-release-files.js');
      copyFileSync(join(ROOT, OUT_DIR, 'render-release-files.js'), script);
      mkdirSync(join(dir, 'templates'));
      copyFileSync(join(ROOT, 'appspec.yml'), join(dir, 'templates/appspec.yml'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const render = (faults: string): ReturnType<typeof spawnSync> => {
      const taskdef = JSON.parse(readFileSync(join(ROOT, 'taskdef.json'), 'utf8')) as {
        containerDefinitions: { environment: { name: string; value: string }[] }[];
      };
      taskdef.containerDefinitions[0]!.environment.find((e) => e.name === 'FAULTS')!.value = faults;
      writeFileSync(join(dir, 'templates/taskdef.json'), JSON.stringify(taskdef, null, 2));
      return spawnSync(process.execPath, [script, '--out', 'release', '--templates', 'templates'], {
        cwd: dir,
        env: { PATH: process.env.PATH, ...sampleEnv() },
        encoding: 'utf8',
      });
    };

    it('renders a flipped task definition with node alone', () => {
      const run = render('health-fail');
      expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
      const rendered = JSON.parse(readFileSync(join(dir, 'release/taskdef.json'), 'utf8'));
      expect(rendered.containerDefinitions[0].environment).toContainEqual({
        name: 'FAULTS',
        value: 'health-fail',
      });
      expect(JSON.parse(readFileSync(join(dir, 'release/imageDetail.json'), 'utf8'))).toEqual({
        ImageURI: SAMPLE.imageUri,
      });
    });

    it.each([
      ['health-fail=yes', 'fault "health-fail" takes no value'],
      ['latency=60000', 'fault "latency" needs fewer than 60000 ms'],
    ])(
      'fails on the bad flip %s naming the file, the value, why and the fix, and writes nothing',
      (faults, why) => {
        const run = render(faults);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain(
          `taskdef.json containerDefinitions[0].environment FAULTS: FAULTS="${faults}"`,
        );
        expect(run.stderr).toContain(why);
        expect(run.stderr).toContain('Fix: commit a valid value with `npm run rehearse -- flip');
        expect(existsSync(join(dir, 'release'))).toBe(false);
      },
    );
  });
});
