import { FAULT_NAMES } from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { expectedRelease } from '../../src/model/rollback-time';
import { inBatches, rehearseLocal, type LocalRun } from './rehearse-local';

// Real processes: the compiled service as blue and green, the local load balancer, a load loop. A time
// scale of 60 turns the default canary (5 min) and bake (5 min) into 5 s each.
const SCALE = ['--time-scale', '60'];
/** Two cores: three rehearsals (about 15 processes) at a time keep health checks well inside their timeout. */
const PARALLEL = 3;

const line = (name: string, run: LocalRun): string =>
  `${name}: ${run.json.outcome} (${run.json.reason}) in ${run.wallMs} ms (detection ${run.json.times.measuredMs.detection ?? '-'} ms after the deployment started); load ${run.json.load.requests} requests, ${run.json.load.failed} failed`;

describe('rehearse local, end to end against the real service', () => {
  const runs = new Map<string, LocalRun>();

  beforeAll(async () => {
    const cases: [string, string[]][] = [
      ['no fault', SCALE],
      ['no fault, AllAtOnce', [...SCALE, '--config', 'AllAtOnce']],
      ...FAULT_NAMES.map((name): [string, string[]] => [name, [name, ...SCALE]]),
    ];
    const results = await inBatches(cases, PARALLEL, ([, args]) => rehearseLocal(args));
    cases.forEach(([name], i) => runs.set(name, results[i]!));
    // Measured times to a verdict, printed for the README table.
    console.log([...runs].map(([name, run]) => line(name, run)).join('\n'));
  }, 200_000);

  test('a release without faults succeeds, shifts all traffic to green and loses no request', () => {
    const run = runs.get('no fault')!;
    expect(run.json.outcome).toBe('succeeded');
    expect(run.json.matched).toBe(true);
    expect(run.code).toBe(0);
    expect(run.json.load.failed).toBe(0);
    expect(run.json.load.byVersion.green).toBeGreaterThan(0);
    expect(run.json.load.byVersion.blue).toBeGreaterThan(0);
  });

  test('the JSON result carries the lifecycle in CodeDeploy order and the load by version', () => {
    const run = runs.get('no fault')!;
    const phases = run.json.timeline.filter((e) => e.kind === 'phase').map((e) => e.message.split(':')[0]);
    expect(phases).toEqual([
      'blue serving production at http',
      'Install',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'AllowTraffic',
      'Bake',
      'Terminating blue',
    ]);
    expect(run.json.timeline.filter((e) => e.kind === 'traffic').map((e) => e.message)).toEqual([
      'production: 10 % green',
      'production: 100 % green',
    ]);
    expect(run.json.load.requests).toBe(run.json.load.byVersion.blue! + run.json.load.byVersion.green!);
  });

  test('an all-at-once switch of a healthy release loses no request either', () => {
    const run = runs.get('no fault, AllAtOnce')!;
    expect(run.json.outcome).toBe('succeeded');
    expect(run.json.load.failed).toBe(0);
    expect(run.json.load.byVersion.green).toBeGreaterThan(0);
  });

  test.each(FAULT_NAMES)('%s at its default value ends as the catalogue expects', (name) => {
    const run = runs.get(name)!;
    expect(run.json.expected.outcome).toBe(expectedRelease(parseFaults(name)).outcome);
    expect(run.json.outcome).toBe(run.json.expected.outcome);
    expect(run.json.matched).toBe(true);
    expect(run.code).toBe(0);
  });

  test.each(FAULT_NAMES)('%s: a rollback before production traffic moved loses no request', (name) => {
    const run = runs.get(name)!;
    if (run.json.outcome !== 'rolled-back' || run.json.productionShifted) return;
    expect(run.json.load.failed).toBe(0);
    expect(run.json.load.byVersion.green ?? 0).toBe(0);
  });

  test.each([
    ['health-fail', /unhealthy-hosts-green/],
    ['startup-crash', /stopped-tasks/],
    ['wrong-port', /unhealthy-hosts-green/],
    ['dependency-down', /unhealthy-hosts-green/],
    ['error-rate', /hook|target-5xx-green/],
    ['latency', /response-time-green|hook/],
    ['crash-after', /stopped-tasks/],
    ['slow-start', /unhealthy-hosts-green/],
  ])('%s is rolled back by the signal the rehearsal model names', (name, signal) => {
    expect(runs.get(name)!.json.reason).toMatch(signal);
  });
});
