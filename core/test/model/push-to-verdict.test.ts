import { FAULT_NAMES, type FaultName } from '../../../contract/faults/catalogue';
import { parseFaults } from '../../../contract/faults/parse-faults';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import { settings } from '../../../contract/settings';
import {
  DEFAULT_RELEASE_LOOP,
  DEPLOY_START_SECONDS,
  flipToVerdict,
  pushToVerdict,
  type LoopToVerdict,
  type ReleaseLoop,
} from '../../model/push-to-verdict';
import { decidingPrediction, timingInputsFromSettings } from '../../model/rollback-time';
import { DEFAULT_ASSUMPTIONS, signalPaths } from '../../model/signal-paths';

const CONTROLLERS: readonly DeploymentControllerName[] = ['codedeploy', 'ecs'];

/** The faults the target-health watcher decides, whose loops have the tightest targets. */
const WATCHER_FAULTS: readonly FaultName[] = ['health-fail', 'wrong-port', 'dependency-down', 'slow-start'];

function loops(fault: FaultName, controller: DeploymentControllerName, loop?: ReleaseLoop) {
  const inputs = timingInputsFromSettings(settings, undefined, controller);
  const hookEndsAt = signalPaths(inputs, DEFAULT_ASSUMPTIONS).hookBurstEndsAt;
  const prediction = decidingPrediction(parseFaults(fault), inputs)!;
  return {
    prediction,
    push: pushToVerdict(prediction, inputs, hookEndsAt, loop),
    flip: flipToVerdict(prediction, inputs, hookEndsAt, loop),
  };
}

const partsSum = (l: LoopToVerdict): number =>
  l.source + l.buildQueue + l.build + l.deployStart + l.greenStart + l.toVerdict;

describe('push and flip to verdict', () => {
  it.each(CONTROLLERS)('adds up its parts for every fault on %s', (controller) => {
    for (const fault of FAULT_NAMES) {
      const { push, flip } = loops(fault, controller);
      for (const l of [push, flip]) {
        expect(l.total).toBe(partsSum(l));
        expect(l.beforeGreen).toBe(l.total - l.toVerdict);
      }
    }
  });

  it('charges a flip-only commit the content-keyed build, not the whole one, and nothing else differs', () => {
    const { push, flip } = loops('health-fail', 'codedeploy');
    const sum = (p: ReleaseLoop['pushBuild']) => p.install + p.preBuild + p.build;
    expect(push.build).toBe(sum(DEFAULT_RELEASE_LOOP.pushBuild));
    expect(flip.build).toBe(sum(DEFAULT_RELEASE_LOOP.flipBuild));
    expect(push.total - flip.total).toBe(push.build - flip.build);
  });

  it('takes the deploy start of each controller from DEPLOY_START_SECONDS, with no second build under ecs', () => {
    for (const controller of CONTROLLERS) {
      const { push, flip } = loops('health-fail', controller);
      expect(push.deployStart).toBe(DEPLOY_START_SECONDS[controller]);
      expect(flip.deployStart).toBe(DEPLOY_START_SECONDS[controller]);
    }
    const slowerEcs = { ...DEFAULT_RELEASE_LOOP, deployStartSeconds: { codedeploy: 15, ecs: 148 } };
    expect(loops('health-fail', 'ecs', slowerEcs).flip.total - loops('health-fail', 'ecs').flip.total).toBe(
      148 - DEPLOY_START_SECONDS.ecs,
    );
  });

  it('counts a successful release to its end: the hook, the traffic shift and the bake period', () => {
    const inputs = timingInputsFromSettings(settings, undefined, 'codedeploy');
    const hookEndsAt = signalPaths(inputs, DEFAULT_ASSUMPTIONS).hookBurstEndsAt;
    const success = { ...decidingPrediction(parseFaults('health-fail'), inputs)!, seconds: undefined };
    expect(flipToVerdict(success, inputs, hookEndsAt).toVerdict).toBe(
      Math.ceil(hookEndsAt + inputs.trafficShiftSeconds + inputs.terminationWaitMinutes * 60),
    );
  });

  // The targets the loops are held to: a flip reaches green within 160 s for every fault and, for the
  // faults the watcher decides, its verdict within 180 s and a code change's within 420 s, on both
  // controllers.
  it.each(CONTROLLERS)('flips to green within 160 s for every fault on %s', (controller) => {
    for (const fault of FAULT_NAMES)
      expect(loops(fault, controller).flip.beforeGreen).toBeLessThanOrEqual(160);
  });

  it.each(CONTROLLERS)('flips to the watcher’s verdict within 180 s on %s', (controller) => {
    for (const fault of WATCHER_FAULTS) {
      const { prediction, flip } = loops(fault, controller);
      expect(prediction.decidedBy).toBe('target-health watcher');
      expect(flip.total).toBeLessThanOrEqual(180);
    }
  });

  it.each(CONTROLLERS)('pushes a code change to the watcher’s verdict within 420 s on %s', (controller) => {
    for (const fault of WATCHER_FAULTS) {
      const { prediction, push } = loops(fault, controller);
      expect(prediction.decidedBy).toBe('target-health watcher');
      expect(push.total).toBeLessThanOrEqual(420);
    }
  });
});
