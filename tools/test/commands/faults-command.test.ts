import { FAULT_NAMES } from '../../../contract/faults/catalogue';
import { main } from '../../src/cli';
import { testDeps } from '../helpers/test-deps';

describe('rehearse faults', () => {
  it('lists every fault of the catalogue with its default and expected outcome', async () => {
    const deps = testDeps();
    expect(await main(['faults'], deps)).toBe(0);
    for (const name of FAULT_NAMES) expect(deps.stdout.text).toMatch(new RegExp(`^${name} `, 'm'));
    expect(deps.stdout.text).toMatch(/^wrong-port +port \(9999\) +3 /m);
    expect(deps.stdout.text).toContain('rolled-back');
  });

  it('prints the catalogue as JSON, with the expected release at the default value', async () => {
    const deps = testDeps();
    expect(await main(['faults', '--json'], deps)).toBe(0);
    const { schemaVersion, faults: rows } = JSON.parse(deps.stdout.text) as {
      schemaVersion: number;
      faults: { name: string }[];
    };
    expect(schemaVersion).toBe(1);
    expect(rows.map((r: { name: string }) => r.name)).toEqual(FAULT_NAMES);
    expect(rows.find((r: { name: string }) => r.name === 'slow-start')).toMatchObject({
      valueKind: 'seconds',
      defaultValue: '30',
      rehearsal: 'new',
      expectedRelease: { outcome: 'rolled-back' },
    });
    expect(rows.find((r: { name: string }) => r.name === 'health-fail')).toMatchObject({
      defaultValue: null,
      rehearsal: 1,
      decidedBy: 'target-health watcher',
      modelledSeconds: expect.any(Number),
    });
    expect(rows.find((r: { name: string }) => r.name === 'error-rate')).toMatchObject({
      decidedBy: 'test-traffic hook',
    });
  });

  it('models native ECS blue/green with --controller ecs: the hook is reached sooner than under CodeDeploy', async () => {
    const rowsFor = async (argv: string[]) => {
      const deps = testDeps();
      expect(await main(argv, deps)).toBe(0);
      return (
        JSON.parse(deps.stdout.text) as {
          faults: { name: string; controller: string; modelledSeconds: number }[];
        }
      ).faults;
    };
    const errorRate = (rows: { name: string; modelledSeconds: number }[]) =>
      rows.find((r) => r.name === 'error-rate')!.modelledSeconds;
    const codedeploy = await rowsFor(['faults', '--json']);
    const ecs = await rowsFor(['faults', '--json', '--controller', 'ecs']);
    expect(ecs.every((r) => r.controller === 'ecs')).toBe(true);
    expect(errorRate(ecs)).toBeLessThan(errorRate(codedeploy));
  });

  it('gives each fault a push-to-verdict and a flip-to-verdict figure beside the modelled seconds, on both controllers', async () => {
    type Loop = { beforeGreen: number; build: number; toVerdict: number; total: number };
    for (const argv of [
      ['faults', '--json'],
      ['faults', '--json', '--controller', 'ecs'],
    ]) {
      const deps = testDeps();
      expect(await main(argv, deps)).toBe(0);
      const rows = (
        JSON.parse(deps.stdout.text) as {
          faults: {
            name: string;
            decidedBy: string | null;
            modelledSeconds: number | null;
            pushToVerdictSeconds: number;
            pushToVerdict: Loop;
            flipToVerdictSeconds: number;
            flipToVerdict: Loop;
          }[];
        }
      ).faults;
      for (const row of rows) {
        expect(row.pushToVerdictSeconds).toBe(row.pushToVerdict.total);
        expect(row.flipToVerdictSeconds).toBe(row.flipToVerdict.total);
        if (row.modelledSeconds !== null) {
          expect(row.pushToVerdict.toVerdict).toBe(row.modelledSeconds);
          expect(row.flipToVerdict.toVerdict).toBe(row.modelledSeconds);
        }
        expect(row.pushToVerdictSeconds).toBeGreaterThan(row.pushToVerdict.toVerdict);
        // A flip-only commit reuses the image its content key names: only the build is shorter.
        expect(row.pushToVerdictSeconds - row.flipToVerdictSeconds).toBe(
          row.pushToVerdict.build - row.flipToVerdict.build,
        );
        expect(row.flipToVerdict.build).toBeLessThan(row.pushToVerdict.build);
        expect(row.flipToVerdict.beforeGreen).toBeLessThanOrEqual(160);
        if (row.decidedBy === 'target-health watcher')
          expect(row.flipToVerdictSeconds).toBeLessThanOrEqual(180);
      }
    }
  });

  it('exits 2 naming the allowed controllers for an unknown one', async () => {
    const deps = testDeps();
    expect(await main(['faults', '--controller', 'k8s'], deps)).toBe(2);
    expect(deps.stderr.text).toContain('--controller must be one of codedeploy, ecs, got "k8s"');
  });

  it('exits 2 on an unknown flag', async () => {
    const deps = testDeps();
    expect(await main(['faults', '--yaml'], deps)).toBe(2);
    expect(deps.stderr.text).toContain("Unknown option '--yaml'");
  });
});
