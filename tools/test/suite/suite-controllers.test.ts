import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { defaultFaultList } from '../../src/suite/plan/suite-plan';
import { runSuiteCommand } from '../../src/commands/suite';
import type { RehearsalOptions } from '../../src/local/rehearsal/rehearsal';
import { testDeps } from '../helpers/test-deps';
import { fakeRehearse, resultFor } from '../helpers/rehearsal-result';

const noWait = { sleep: () => Promise.resolve() };

/** A fake rehearse that records the options it was given. */
function recording(rehearse = fakeRehearse()): {
  seen: RehearsalOptions[];
  rehearse: (o: RehearsalOptions) => ReturnType<ReturnType<typeof fakeRehearse>>;
} {
  const seen: RehearsalOptions[] = [];
  return {
    seen,
    rehearse: (options) => {
      seen.push(options);
      return rehearse(options);
    },
  };
}

const key = (o: RehearsalOptions): string => `${Object.keys(o.faults).join(',') || 'none'} ${o.controller}`;

describe('rehearse suite --controller', () => {
  test('both runs every fault of the plan on each controller, passing each rehearsal its controller', async () => {
    const { seen, rehearse } = recording();
    const deps = testDeps(noWait);
    expect(await runSuiteCommand(['--controller', 'both', '--parallel', '1'], deps, { rehearse })).toBe(0);
    const faults = defaultFaultList().split(',').length;
    expect(seen).toHaveLength(2 * faults);
    // Fault by fault, each on codedeploy then on ecs: the two healthy releases (the longest) start first.
    expect(seen.slice(0, 4).map(key)).toEqual([
      'none codedeploy',
      'none ecs',
      'health-fail codedeploy',
      'health-fail ecs',
    ]);
    expect(new Set(seen.map(key)).size).toBe(2 * faults);
    expect(seen.filter((o) => o.controller === 'ecs')).toHaveLength(faults);
    expect(deps.stdout.text).toContain(
      `all ${2 * faults} rehearsals matched the catalogue on codedeploy and ecs`,
    );
  });

  test('ecs alone runs every rehearsal on ecs, with the single-controller scorecard and the controller in the headline', async () => {
    const { seen, rehearse } = recording();
    const deps = testDeps(noWait);
    expect(
      await runSuiteCommand(['--controller', 'ecs', '--faults', 'none,error-rate'], deps, { rehearse }),
    ).toBe(0);
    expect(seen.map(key)).toEqual(['none ecs', 'error-rate ecs']);
    expect(deps.stdout.text).toMatch(
      /^fault +expected +outcome +matched +decided by +modelled: decided by /m,
    );
    // The model's worst case on native ECS (51 s), not CodeDeploy's (81 s).
    expect(deps.stdout.text).toMatch(
      /^error-rate=0\.5 +rolled-back +rolled-back +yes +test-traffic hook +test-traffic hook +\S+ s +51 s /m,
    );
    expect(deps.stdout.text).toContain('all 2 rehearsals matched the catalogue on ecs');
  });

  test('without --controller every rehearsal runs on codedeploy, as before', async () => {
    const { seen, rehearse } = recording();
    expect(await runSuiteCommand(['--faults', 'none,latency'], testDeps(noWait), { rehearse })).toBe(0);
    expect(seen.map((o) => o.controller)).toEqual(['codedeploy', 'codedeploy']);
  });

  test('both prints one row per fault with the two controllers side by side, each with its own values', async () => {
    const deps = testDeps(noWait);
    const code = await runSuiteCommand(
      ['--controller', 'both', '--faults', 'none,error-rate,health-fail'],
      deps,
      { rehearse: fakeRehearse() },
    );
    expect(code).toBe(0);
    const lines = deps.stdout.text.split('\n');
    const header = lines.findIndex((l) => l.startsWith('fault '));
    // The controllers' names stand over their own columns.
    const heading = lines[header - 1]!;
    expect(heading).toMatch(/^ +codedeploy +ecs$/);
    expect(lines[header]).toMatch(
      /^fault +expected +outcome +matched +decided by +detection \(AWS s\) +modelled \(AWS s\) +outcome +matched +decided by +detection \(AWS s\) +modelled \(AWS s\)$/,
    );
    expect(heading.indexOf('ecs')).toBe(lines[header]!.lastIndexOf('outcome'));
    const rows = lines.slice(header + 2, header + 5);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(
      /^none +succeeded +succeeded +yes +every step passed +- +- +succeeded +yes +every step passed +- +-$/,
    );
    // Modelled worst case from each controller's own model: CodeDeploy's 81 s, native ECS's 51 s.
    expect(rows[1]).toMatch(
      /^error-rate=0\.5 +rolled-back +rolled-back +yes +test-traffic hook +\d+ s +81 s +rolled-back +yes +test-traffic hook +\d+ s +51 s$/,
    );
    expect(rows[2]).toMatch(
      /^health-fail +rolled-back( +rolled-back +yes +target-health watcher +\d+ s +21 s){2}$/,
    );
  });

  test('a rehearsal that does not match on ecs shows as not matched there, matched on codedeploy, and exits 1', async () => {
    const deps = testDeps(noWait);
    const code = await runSuiteCommand(['--controller', 'both', '--faults', 'none,latency'], deps, {
      rehearse: (options) =>
        Promise.resolve(
          resultFor(options.faults, {
            controller: options.controller ?? 'codedeploy',
            ...(options.controller === 'ecs' && options.faults.latency && { outcome: 'succeeded' as const }),
          }),
        ),
    });
    expect(code).toBe(1);
    expect(deps.stdout.text).toMatch(
      /^latency=2000 +rolled-back +rolled-back +yes +test-traffic hook +\d+ s +\d+ s +succeeded +NO +every step passed +- +\d+ s$/m,
    );
    expect(deps.stdout.text).toContain('1 of 4 rehearsals did not match the catalogue on codedeploy and ecs');
    expect(deps.stdout.text).toContain('mismatch: latency=2000 on ecs: succeeded, expected rolled-back');
  });

  test('a rehearsal that breaks on one controller is a mismatch on that controller alone', async () => {
    const deps = testDeps(noWait);
    const code = await runSuiteCommand(['--controller', 'both', '--faults', 'health-fail'], deps, {
      rehearse: (options) =>
        options.controller === 'codedeploy'
          ? Promise.reject(new Error('blue did not become healthy'))
          : fakeRehearse()(options),
    });
    expect(code).toBe(1);
    expect(deps.stdout.text).toMatch(
      /^health-fail +rolled-back +error: blue did not become healthy +NO +the rehearsal failed +- +- +rolled-back +yes /m,
    );
    expect(deps.stdout.text).toContain(
      'mismatch: health-fail on codedeploy: the rehearsal failed: blue did not become healthy',
    );
  });

  test('the live lines name the controller of each rehearsal when both run', async () => {
    const deps = testDeps(noWait);
    await runSuiteCommand(['--controller', 'both', '--faults', 'none,health-fail'], deps, {
      rehearse: fakeRehearse(),
    });
    const live = deps.stdout.text.split('\n\n')[0]!.split('\n');
    expect(live.slice(0, 4)).toEqual([
      'none on codedeploy         waiting',
      'none on ecs                waiting',
      'health-fail on codedeploy  waiting',
      'health-fail on ecs         waiting',
    ]);
    expect(live).toContainEqual(
      expect.stringMatching(
        /^health-fail on ecs +ok +\d+ s +rolled-back \(expected rolled-back\), decided by target-health watcher$/,
      ),
    );
  });

  test('--json names the controller of every element, fault by fault on each controller', async () => {
    const deps = testDeps(noWait);
    const rehearse = (options: RehearsalOptions) =>
      options.controller === 'ecs' && options.faults['health-fail']
        ? Promise.reject(new Error('blue did not become healthy'))
        : fakeRehearse()(options);
    expect(
      await runSuiteCommand(['--controller', 'both', '--faults', 'none,health-fail', '--json'], deps, {
        rehearse,
      }),
    ).toBe(1);
    const array = (
      JSON.parse(deps.stdout.text) as {
        rehearsals: { faults: ActiveFaults | string; controller: string; matched: boolean }[];
      }
    ).rehearsals;
    expect(array.map((e) => [e.controller, e.matched])).toEqual([
      ['codedeploy', true],
      ['ecs', true],
      ['codedeploy', true],
      ['ecs', false],
    ]);
    expect(array[3]).toEqual({
      faults: 'health-fail',
      controller: 'ecs',
      matched: false,
      error: 'blue did not become healthy',
    });
  });

  test.each([['nope'], ['ECS'], ['']])(
    '--controller %p is a usage error naming --controller: exit 2, nothing started',
    async (value) => {
      const rehearse = jest.fn(fakeRehearse());
      const deps = testDeps(noWait);
      expect(await runSuiteCommand(['--controller', value], deps, { rehearse })).toBe(2);
      expect(rehearse).not.toHaveBeenCalled();
      expect(deps.stderr.text).toContain('--controller must be one of codedeploy, ecs, both');
      expect(deps.stderr.text.split('\n').some((line) => line.trimStart().startsWith('--controller'))).toBe(
        true,
      );
      expect(deps.stdout.text).toBe('');
    },
  );

  test('the help documents --controller and its both', async () => {
    const deps = testDeps();
    expect(await runSuiteCommand(['--help'], deps, { cores: 2 })).toBe(0);
    expect(deps.stdout.text).toMatch(/^ +--controller NAME +codedeploy .*, ecs .* or both$/m);
  });

  describe('--report with both controllers', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'suite-controllers-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    test("writes each controller's reports in its own folder, and index.html and summary.md show both", async () => {
      const report = path.join(dir, 'suite');
      const deps = testDeps({ ...noWait, cwd: dir });
      const code = await runSuiteCommand(
        ['--controller', 'both', '--faults', 'none,health-fail', '--report', 'suite'],
        deps,
        { rehearse: fakeRehearse() },
      );
      expect(code).toBe(0);
      for (const controller of ['codedeploy', 'ecs']) {
        for (const slug of ['healthy', 'health-fail']) {
          const json = JSON.parse(
            await readFile(path.join(report, controller, slug, 'report.json'), 'utf8'),
          ) as {
            controller: string;
          };
          expect(json.controller).toBe(controller);
        }
      }
      const html = await readFile(path.join(report, 'index.html'), 'utf8');
      expect(html).toContain('<th colspan="5" data-controller="codedeploy">codedeploy</th>');
      expect(html).toContain('<th colspan="5" data-controller="ecs">ecs</th>');
      expect(html.match(/<tr data-fault=/g)).toHaveLength(2);
      for (const link of ['codedeploy/healthy', 'ecs/healthy', 'codedeploy/health-fail', 'ecs/health-fail'])
        expect(html).toContain(`<a href="${link}/report.html">`);
      expect(html).toContain('all 4 rehearsals matched the catalogue on codedeploy and ecs');

      const md = await readFile(path.join(report, 'summary.md'), 'utf8');
      expect(md).toContain(
        '| fault | expected | codedeploy outcome | codedeploy matched | codedeploy decided by | codedeploy detection (AWS s) | codedeploy modelled (AWS s) | ecs outcome | ecs matched |',
      );
      expect(md).toMatch(
        /^\| health-fail \| rolled-back \| rolled-back \| yes \| target-health watcher \| \d+ s \| 21 s \| rolled-back \| yes \|/m,
      );
    });
  });
});
