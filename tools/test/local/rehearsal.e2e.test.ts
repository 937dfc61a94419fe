import { FAULT_NAMES } from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { decidingPrediction, expectedRelease } from '../../../core/model/rollback-time';
import { rehearseSuite } from '../suite/rehearse-suite';
import type { LocalRun } from './rehearse-local';

// Real processes, driven through the suite command as a user runs it: the compiled service as blue and
// green, the local load balancer, a load loop, per rehearsal. The suite's default time scale, 20, turns the
// default canary (5 min) and bake (5 min) into 15 s each; a higher one compresses the response-time threshold
// and the replacement's start below what a busy 2-core machine's real answer and start-up times stay under.
const SCALE = ['--time-scale', '20'];
/** Two cores: three rehearsals (about 15 processes) at a time keep health checks well inside their timeout. */
const PARALLEL = ['--parallel', '3'];

type Json = LocalRun['json'];

const line = (name: string, json: Json): string =>
  `${name}: ${json.outcome} (${json.reason}) (detection ${json.times.measuredMs.detection ?? '-'} ms after the deployment started); load ${json.load.requests} requests, ${json.load.failed} failed`;

describe('rehearse suite, end to end against the real service', () => {
  const runs = new Map<string, Json>();
  let suiteCode: number | undefined;

  beforeAll(async () => {
    const suite = await rehearseSuite([...SCALE, ...PARALLEL]);
    suiteCode = suite.code;
    // The default suite: the healthy release, then each fault at its default value, in catalogue order.
    suite.runs.forEach((json, i) => runs.set(i === 0 ? 'no fault' : FAULT_NAMES[i - 1]!, json));
    const allAtOnce = await rehearseSuite([...SCALE, '--faults', 'none', '--config', 'AllAtOnce']);
    runs.set('no fault, AllAtOnce', allAtOnce.runs[0]!);
    // Measured times to a verdict, printed for the README table.
    console.log(
      [...runs].map(([name, json]) => line(name, json)).join('\n') + `\nsuite wall time ${suite.wallMs} ms`,
    );
  }, 200_000);

  test('the default suite is the healthy release and every fault, and exits 0 when all match', () => {
    expect([...runs.keys()]).toEqual(['no fault', ...FAULT_NAMES, 'no fault, AllAtOnce']);
    expect(runs.get('health-fail')!.faults).toBe('health-fail');
    expect(suiteCode).toBe(0);
  });

  test('a release without faults succeeds, shifts all traffic to green and loses no request', () => {
    const json = runs.get('no fault')!;
    expect(json.outcome).toBe('succeeded');
    expect(json.matched).toBe(true);
    expect(json.load.failed).toBe(0);
    expect(json.load.byVersion.green).toBeGreaterThan(0);
    expect(json.load.byVersion.blue).toBeGreaterThan(0);
  });

  test('the JSON result carries the lifecycle in CodeDeploy order and the load by version', () => {
    const json = runs.get('no fault')!;
    const steps = json.events.flatMap((e) => (e.type === 'lifecycle' ? [e.step] : []));
    expect(steps).toEqual([
      'Install',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'AllowTraffic',
      'Bake',
      'Terminating blue',
    ]);
    const production = json.events.flatMap((e) =>
      e.type === 'traffic' && e.listener === 'production' ? [e.greenPercent] : [],
    );
    expect(production).toEqual([0, 10, 100]);
    expect(json.load.requests).toBe(json.load.byVersion.blue! + json.load.byVersion.green!);
  });

  test('an all-at-once switch of a healthy release loses no request either', () => {
    const json = runs.get('no fault, AllAtOnce')!;
    expect(json.outcome).toBe('succeeded');
    expect(json.load.failed).toBe(0);
    expect(json.load.byVersion.green).toBeGreaterThan(0);
  });

  test.each(FAULT_NAMES)('%s at its default value ends as the catalogue expects', (name) => {
    const json = runs.get(name)!;
    expect(json.expected.outcome).toBe(expectedRelease(parseFaults(name)).outcome);
    expect(json.outcome).toBe(json.expected.outcome);
    expect(json.matched).toBe(true);
  });

  test.each(FAULT_NAMES)('%s: a rollback before production traffic moved loses no request', (name) => {
    const json = runs.get(name)!;
    if (json.outcome !== 'rolled-back' || json.productionShifted) return;
    expect(json.load.failed).toBe(0);
    expect(json.load.byVersion.green ?? 0).toBe(0);
  });

  test.each(FAULT_NAMES)('%s is rolled back by the signal the rehearsal model names', (name) => {
    const json = runs.get(name)!;
    const modelled = decidingPrediction(parseFaults(name));
    expect(json.modelledAws?.decidedBy).toBe(modelled?.decidedBy);
    expect(json.decidedBy).toBe(modelled?.decidedBy);
  });
});
