import { deploymentConfig } from '../../../../contract/deployment-configs';
import {
  productionWeightsVerdict,
  refusalLines,
  type LiveRule,
} from '../../../../core/weights/production-weights';
import { eventsOf } from '../../../src/experiment/read-record';
import { describeEvent } from '../../../src/experiment/rehearsal-event';
import { runController, type ControllerRun } from '../../../src/local/controllers/local-controllers';
import type { StopReason } from '../../../src/local/controllers/lifecycle-parts';
import type { LiveRules } from '../../../src/local/controllers/native-start-check';
import { localTimings } from '../../../src/local/time-scale/local-timings';
import { fakeController } from '../../helpers/fake-controller';

const rule = (name: string, blue: [number, number], green: [number, number]): LiveRule => ({
  arn: `arn:local:listener-rule/${name}`,
  targetGroups: [
    { arn: 'arn:local:targetgroup/blue/1', name: 'blue', weight: blue[0], healthy: blue[1] },
    { arn: 'arn:local:targetgroup/green/1', name: 'green', weight: green[0], healthy: green[1] },
  ],
});
/** Production reset to green, which holds no task, while blue's two tasks serve nobody. */
const RESET: LiveRules = { production: rule('p', [0, 2], [100, 0]), test: rule('t', [100, 2], [0, 0]) };
/** Production on blue's two healthy tasks, as ECS left it. */
const AS_LEFT: LiveRules = { production: rule('p', [100, 2], [0, 0]), test: rule('t', [100, 2], [0, 0]) };
const INTERRUPT: StopReason = { trigger: 'interrupt', detail: 'the test ends the deployment' };

function setup(rules: LiveRules) {
  const fake = fakeController();
  const liveRules = jest.fn(() => rules);
  const run: ControllerRun = {
    deps: fake.deps,
    config: deploymentConfig('CodeDeployDefault.ECSAllAtOnce')!,
    timings: localTimings(10),
    codeDeployHook: () => Promise.resolve({ ok: true, reason: 'fixture', checks: [] }),
    nativeHook: () => new Promise(() => undefined),
    liveRules,
  };
  return { ...fake, run, liveRules };
}

describe("the local native controller's start check", () => {
  test("refuses a production rule reset to the empty target group with the deploy step's lines, starting nothing", async () => {
    const { run, calls, record } = setup(RESET);
    const outcome = await runController('ecs', run);
    expect(outcome).toMatchObject({ outcome: 'refused', productionShifted: false });
    expect(calls).toEqual([]);
    expect(eventsOf(record.events, 'lifecycle')).toEqual([]);
    const [check] = eventsOf(record.events, 'start-check');
    // The same decision and the same words as the pipeline's native deploy step (core/weights).
    const lines = refusalLines(productionWeightsVerdict(RESET.production, RESET.test));
    expect(check && refusalLines(check)).toEqual(lines);
    expect(lines[0]).toMatch(
      /^refusing to start the deployment: production sends 100% to green, which has no healthy target .*Send production back to blue, then deploy$/,
    );
    expect(lines[1]).toMatch(/^aws elbv2 modify-rule --rule-arn arn:local:listener-rule\/p /);
    expect(outcome.reason).toBe(lines[0]);
    expect(describeEvent(check!)).toBe(`${lines[0]}; run: ${lines[1]}`);
    expect(record.events.at(-1)).toMatchObject({ type: 'outcome', outcome: 'refused' });
  });

  test('lets a deployment start when production reaches healthy targets, and says so in the record', async () => {
    const { run, calls, record, stop } = setup(AS_LEFT);
    const done = runController('ecs', run);
    await Promise.resolve();
    stop.abort(INTERRUPT);
    const outcome = await done;
    expect(eventsOf(record.events, 'start-check')).toEqual([
      expect.objectContaining({
        ok: true,
        detail: expect.stringMatching(/^production rule: blue 100% \(2 healthy\)/),
      }),
    ]);
    expect(calls[0]).toBe('green start');
    expect(outcome.outcome).toBe('rolled-back');
  });

  test('is not run for CodeDeploy, which rewrites the listener itself', async () => {
    const { run, record, stop, liveRules } = setup(RESET);
    const done = runController('codedeploy', run);
    await Promise.resolve();
    stop.abort(INTERRUPT);
    await done;
    expect(liveRules).not.toHaveBeenCalled();
    expect(eventsOf(record.events, 'start-check')).toEqual([]);
  });
});
