import { FAULT_NAMES } from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';
import { DEPLOYMENT_CONTROLLERS, type DeploymentControllerName } from '../../../contract/native-strategies';
import {
  decidingPrediction,
  defaultReleaseContext,
  expectedRelease,
  timingInputsFor,
} from '../../../core/model/rollback-time';
import { NATIVE_STAGES } from '../../src/local/controllers/native-lifecycle';
import { rehearseSuite } from '../suite/rehearse-suite';
import type { LocalRun } from './rehearse-local';

// Real processes, driven through the suite command as a user runs it: the compiled service as blue and
// green, the local load balancer, a load loop, per rehearsal, every fault on each controller. The default
// time scale, 10, turns the default canary (5 min) and bake (5 min) into 30 s each; a higher one leaves the
// closest race (native ECS's hook against crash-after) less real time than a busy machine's timers need.
const SCALE = ['--time-scale', '10'];
/** Two cores: three rehearsals (about 15 processes) at a time keep health checks well inside their timeout. */
const PARALLEL = ['--parallel', '3'];

type Json = LocalRun['json'] & { controller: DeploymentControllerName };

const line = (name: string, json: Json): string =>
  `${name}: ${json.outcome} (${json.decidedBy ?? json.reason}) (detection ${json.detectedAwsSeconds ?? '-'} AWS s, modelled ${json.modelledAws?.seconds ?? '-'}); load ${json.load.requests} requests, ${json.load.failed} failed`;

const context = (controller: DeploymentControllerName) => ({ ...defaultReleaseContext(), controller });
const key = (name: string, controller: DeploymentControllerName) => `${name} on ${controller}`;
const rows = DEPLOYMENT_CONTROLLERS.flatMap((c) => FAULT_NAMES.map((f) => [f, c] as const));

describe('rehearse suite --controller both, end to end against the real service', () => {
  const runs = new Map<string, Json>();
  let suiteCode: number | undefined;

  beforeAll(async () => {
    const suite = await rehearseSuite(['--controller', 'both', ...SCALE, ...PARALLEL]);
    suiteCode = suite.code;
    // The default plan, fault by fault: the healthy release, then each fault at its default value, each on
    // CodeDeploy and then on native ECS.
    for (const json of suite.runs as Json[]) {
      const fault = FAULT_NAMES.find((f) => json.faults.startsWith(f)) ?? 'no fault';
      runs.set(key(fault, json.controller), json);
    }
    const allAtOnce = await rehearseSuite([...SCALE, '--faults', 'none', '--config', 'AllAtOnce']);
    runs.set('no fault, AllAtOnce', allAtOnce.runs[0] as Json);
    // Measured times to a verdict, printed for the docs.
    console.log(
      [...runs].map(([name, json]) => line(name, json)).join('\n') + `\nsuite wall time ${suite.wallMs} ms`,
    );
  }, 400_000);

  test('the plan is the healthy release and every fault on each controller, and exits 0 when all match', () => {
    expect([...runs.keys()].sort()).toEqual(
      [
        ...DEPLOYMENT_CONTROLLERS.flatMap((c) => [key('no fault', c), ...FAULT_NAMES.map((f) => key(f, c))]),
        'no fault, AllAtOnce',
      ].sort(),
    );
    expect(suiteCode).toBe(0);
  });

  test.each(DEPLOYMENT_CONTROLLERS)(
    'on %s a release without faults succeeds, shifts all traffic to green and loses no request',
    (controller) => {
      const json = runs.get(key('no fault', controller))!;
      expect(json.outcome).toBe('succeeded');
      expect(json.matched).toBe(true);
      expect(json.load.failed).toBe(0);
      expect(json.load.byVersion.green).toBeGreaterThan(0);
      expect(json.load.byVersion.blue).toBeGreaterThan(0);
    },
  );

  test('the JSON results carry each controller’s own stages in order, and the load by version', () => {
    const stages = (controller: DeploymentControllerName) =>
      runs.get(key('no fault', controller))!.events.flatMap((e) => (e.type === 'lifecycle' ? [e.step] : []));
    expect(stages('codedeploy')).toEqual([
      'Install',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'AllowTraffic',
      'Bake',
      'Terminating blue',
    ]);
    expect(stages('ecs')).toEqual([...NATIVE_STAGES]);
    for (const controller of DEPLOYMENT_CONTROLLERS) {
      const json = runs.get(key('no fault', controller))!;
      const production = json.events.flatMap((e) =>
        e.type === 'traffic' && e.listener === 'production' ? [e.greenPercent] : [],
      );
      expect(production).toEqual([0, 10, 100]);
      expect(json.load.requests).toBe(json.load.byVersion.blue! + json.load.byVersion.green!);
    }
    expect(runs.get(key('no fault', 'ecs'))!.events).toContainEqual(
      expect.objectContaining({ type: 'hook', hookStatus: 'SUCCEEDED' }),
    );
  });

  test('an all-at-once switch of a healthy release loses no request either', () => {
    const json = runs.get('no fault, AllAtOnce')!;
    expect(json.outcome).toBe('succeeded');
    expect(json.load.failed).toBe(0);
    expect(json.load.byVersion.green).toBeGreaterThan(0);
  });

  test.each(rows)('%s on %s ends as that controller’s model expects', (name, controller) => {
    const json = runs.get(key(name, controller))!;
    expect(json.controller).toBe(controller);
    expect(json.expected.outcome).toBe(expectedRelease(parseFaults(name), context(controller)).outcome);
    expect(json.outcome).toBe(json.expected.outcome);
    expect(json.matched).toBe(true);
  });

  test.each(rows)(
    '%s on %s: a rollback before production traffic moved loses no request',
    (name, controller) => {
      const json = runs.get(key(name, controller))!;
      if (json.outcome !== 'rolled-back' || json.productionShifted) return;
      expect(json.load.failed).toBe(0);
      expect(json.load.byVersion.green ?? 0).toBe(0);
    },
  );

  test.each(rows)(
    '%s on %s is rolled back by the signal that controller’s model names',
    (name, controller) => {
      const json = runs.get(key(name, controller))!;
      const modelled = decidingPrediction(parseFaults(name), timingInputsFor(context(controller)));
      expect(json.modelledAws?.decidedBy).toBe(modelled?.decidedBy);
      expect(json.decidedBy).toBe(modelled?.decidedBy);
    },
  );
});
