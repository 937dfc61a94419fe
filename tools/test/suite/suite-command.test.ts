import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { runLocal } from '../../src/commands/local';
import { defaultParallel, runSuiteCommand } from '../../src/commands/suite';
import type { RehearsalOptions } from '../../src/local/rehearsal/rehearsal';
import { toJson } from '../../src/local/report/report-json';
import { testDeps } from '../helpers/test-deps';
import { fakeRehearse, resultFor } from '../helpers/rehearsal-result';

const noWait = { sleep: () => Promise.resolve() };

describe('rehearse suite', () => {
  test('runs the healthy release and every fault, prints the scorecard and exits 0 when all match', async () => {
    const seen: string[] = [];
    const deps = testDeps(noWait);
    const code = await runSuiteCommand([], deps, {
      rehearse: (options) => {
        seen.push(Object.keys(options.faults).join(',') || 'none');
        return fakeRehearse()(options);
      },
    });
    expect(code).toBe(0);
    expect(seen).toHaveLength(9);
    expect(seen[0]).toBe('none');
    const out = deps.stdout.text;
    expect(out).toMatch(
      /^fault +expected +outcome +matched +decided by +modelled: decided by +detection \(AWS s\) +modelled \(AWS s\) +requests +failed$/m,
    );
    expect(out).toMatch(
      /^health-fail +rolled-back +rolled-back +yes +target-health watcher +target-health watcher +60 s +21 s +200 +0$/m,
    );
    expect(out).toMatch(/^none +succeeded +succeeded +yes +every step passed +- +- +- +200 +0$/m);
    expect(out).toContain('all 9 rehearsals matched the catalogue');
    expect(out).toMatch(/wall time: \d+\.\d s \(9 rehearsals, \d+ at a time, time scale 10\)/);
  });

  test('the right outcome by another signal than the model names is a mismatch: exit 1, both signals named', async () => {
    const deps = testDeps(noWait);
    const code = await runSuiteCommand(['--faults', 'health-fail'], deps, {
      rehearse: (options) =>
        Promise.resolve(
          resultFor(options.faults, { stop: { trigger: 'alarm', signal: 'unhealthy-hosts alarm' } }),
        ),
    });
    expect(code).toBe(1);
    expect(deps.stdout.text).toMatch(
      /^health-fail +rolled-back +rolled-back +NO +unhealthy-hosts alarm +target-health watcher /m,
    );
    expect(deps.stdout.text).toContain(
      'mismatch: health-fail: rolled-back by the unhealthy-hosts alarm, expected by the target-health watcher',
    );
  });

  test('on a terminal the headline is green when every rehearsal matched, red when one did not', async () => {
    const headline = async (outcome?: 'succeeded') => {
      const deps = testDeps({ ...noWait, tty: true });
      await runSuiteCommand(['--faults', 'latency'], deps, { rehearse: fakeRehearse(() => outcome) });
      return /^(.*)rehearsals? (?:matched|did not match) the catalogue.*$/m.exec(deps.stdout.text)?.[0];
    };
    expect(await headline()).toBe('\x1b[32mall 1 rehearsals matched the catalogue on codedeploy\x1b[0m');
    expect(await headline('succeeded')).toBe(
      '\x1b[31m1 of 1 rehearsals did not match the catalogue on codedeploy\x1b[0m',
    );
  });

  test('a rehearsal that does not end as the catalogue expects exits 1 and is named', async () => {
    const deps = testDeps(noWait);
    const code = await runSuiteCommand(['--faults', 'none,latency'], deps, {
      rehearse: fakeRehearse((faults: ActiveFaults) => (faults.latency ? 'succeeded' : undefined)),
    });
    expect(code).toBe(1);
    expect(deps.stdout.text).toMatch(/^latency=2000 +rolled-back +succeeded +NO /m);
    expect(deps.stdout.text).toContain('1 of 2 rehearsals did not match the catalogue');
    expect(deps.stdout.text).toContain('mismatch: latency=2000: succeeded, expected rolled-back');
  });

  test('a rehearsal that breaks (blue never healthy) counts as a mismatch, and the others still run', async () => {
    const deps = testDeps(noWait);
    const code = await runSuiteCommand(['--faults', 'none,health-fail'], deps, {
      rehearse: (options) =>
        options.faults['health-fail']
          ? Promise.reject(new Error('blue did not become healthy'))
          : fakeRehearse()(options),
    });
    expect(code).toBe(1);
    expect(deps.stdout.text).toMatch(/^none +succeeded +succeeded +yes/m);
    expect(deps.stdout.text).toContain(
      'mismatch: health-fail: the rehearsal failed: blue did not become healthy',
    );
  });

  test.each([
    [['--parallel', '0'], '--parallel'],
    [['--parallel', 'two'], '--parallel'],
    [['--faults', 'bogus'], '--faults'],
    [['--faults', 'latency,latency'], '--faults'],
    [['health-fail', '--faults', 'latency'], '--faults'],
    [['--time-scale', '0.5'], '--time-scale'],
    [['--config', 'Nope'], '--config'],
    [['--image', 'x'], '--image'],
  ])('%p is a usage error: exit 2, the relevant help line, nothing started', async (argv, flag) => {
    const rehearse = jest.fn(fakeRehearse());
    const deps = testDeps(noWait);
    expect(await runSuiteCommand(argv, deps, { rehearse })).toBe(2);
    expect(rehearse).not.toHaveBeenCalled();
    expect(deps.stderr.text).toContain('Usage: npm run rehearse -- suite');
    expect(deps.stderr.text.split('\n').some((line) => line.trimStart().startsWith(flag))).toBe(true);
    expect(deps.stdout.text).toBe('');
  });

  test('takes its faults as arguments, as local and drill do: one rehearsal per fault listed', async () => {
    const seen: string[] = [];
    const rehearse = (options: RehearsalOptions) => {
      seen.push(JSON.stringify(options.faults));
      return fakeRehearse()(options);
    };
    expect(await runSuiteCommand(['none', 'latency=500,health-fail'], testDeps(noWait), { rehearse })).toBe(
      0,
    );
    const fromArguments = seen.splice(0);
    expect(
      await runSuiteCommand(['--faults', 'none,latency=500,health-fail'], testDeps(noWait), { rehearse }),
    ).toBe(0);
    expect(fromArguments).toEqual(['{}', '{"latency":500}', '{"health-fail":true}']);
    expect(seen).toEqual(fromArguments);
  });

  test('an unknown option is a usage error that names it', async () => {
    const deps = testDeps(noWait);
    expect(await runSuiteCommand(['--bogus'], deps, { rehearse: fakeRehearse() })).toBe(2);
    expect(deps.stderr.text).toMatch(/Unknown option '--bogus'/);
  });

  test('--json prints one element per rehearsal, each exactly what local --json prints for it, under a schema version', async () => {
    const rehearse = fakeRehearse();
    const suite = testDeps(noWait);
    expect(await runSuiteCommand(['--faults', 'health-fail,none', '--json'], suite, { rehearse })).toBe(0);
    const local = testDeps();
    expect(await runLocal(['health-fail', '--json'], local, { rehearse })).toBe(0);
    const { schemaVersion, rehearsals: array } = JSON.parse(suite.stdout.text) as {
      schemaVersion: number;
      rehearsals: object[];
    };
    expect(schemaVersion).toBe(1);
    expect(array).toHaveLength(2);
    expect({ schemaVersion, ...array[0] }).toEqual(JSON.parse(local.stdout.text));
    expect(array[1]).toEqual(toJson(resultFor({})));
    // The live lines and the summary go to stderr, so stdout stays one JSON document.
    expect(suite.stderr.text).toContain('all 2 rehearsals matched the catalogue');
  });

  test('passes --config, --time-scale and --rate to every rehearsal, each with ports no other is given', async () => {
    const options: RehearsalOptions[] = [];
    const deps = testDeps(noWait);
    await runSuiteCommand(
      ['--faults', 'none,latency', '--config', 'AllAtOnce', '--time-scale', '40', '--rate', '5'],
      deps,
      {
        rehearse: (o) => {
          options.push(o);
          return fakeRehearse()(o);
        },
      },
    );
    for (const o of options) {
      expect(o).toMatchObject({ timeScale: 40, rate: 5, config: { name: 'CodeDeployDefault.ECSAllAtOnce' } });
    }
    expect(options[0]!.allocatePort).toBe(options[1]!.allocatePort);
  });

  test('the default parallelism follows the cores and shows in the help', async () => {
    const deps = testDeps();
    expect(await runSuiteCommand(['--help'], deps, { cores: 8 })).toBe(0);
    expect(deps.stdout.text).toContain(`(default ${defaultParallel(8)}, fitted to this machine's 8 cores)`);
    expect(defaultParallel(1)).toBeGreaterThanOrEqual(1);
  });

  test.each(['0', '33', '2.5', '-1'])('--parallel %s is a usage error naming the range', async (value) => {
    const deps = testDeps();
    expect(await runSuiteCommand(['--parallel', value], deps, { cores: 2 })).toBe(2);
    expect(deps.stderr.text).toMatch(/--parallel.*1.*32/);
  });
});
