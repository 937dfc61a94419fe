import { parseFaults } from '../../../contract/faults/parse-faults';
import {
  decidingPrediction,
  defaultReleaseContext,
  expectedRelease,
  timingInputsFor,
} from '../../model/rollback-time';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { DecidingSignal } from '../../model/signal-paths';

const context = (controller: DeploymentControllerName, alarmAtStart?: DecidingSignal) => ({
  ...defaultReleaseContext(),
  controller,
  ...(alarmAtStart && { alarmAtStart }),
});
const predict = (faults: string, controller: DeploymentControllerName, alarm?: DecidingSignal) =>
  decidingPrediction(parseFaults(faults), timingInputsFor(context(controller, alarm)))!;

describe('an alarm already in ALARM when the deployment starts', () => {
  it('under native ECS, takes every alarm path away: the watcher, guard and hook still decide', () => {
    expect(predict('health-fail', 'ecs').signal).toMatch(/unhealthy-hosts alarm at/);
    const healthFail = predict('health-fail', 'ecs', 'elb-5xx alarm');
    expect(healthFail.decidedBy).toBe('target-health watcher');
    expect(healthFail.signal).not.toMatch(/alarm at/);
    expect(predict('crash-after', 'ecs', 'elb-5xx alarm').decidedBy).toBe('stopped-task guard');
    expect(predict('error-rate', 'ecs', 'elb-5xx alarm').decidedBy).toBe('test-traffic hook');
  });

  it('under native ECS, lets a release succeed that only an alarm would have rolled back', () => {
    // A slow start that recovers before the watcher and ECS look: only the unhealthy-hosts alarm sees it.
    const slow = 'slow-start=5';
    expect(predict(slow, 'ecs').decidedBy).toBe('unhealthy-hosts alarm');
    const unwatched = predict(slow, 'ecs', 'target-5xx alarm');
    expect(unwatched.outcome).toBe('succeeded');
    expect(unwatched.signal).toMatch(/ECS watches no alarm/);
    expect(expectedRelease(parseFaults(slow), context('ecs', 'target-5xx alarm')).outcome).toBe('succeeded');
  });

  it('under CodeDeploy, stops the release at the first alarm poll, with or without a fault', () => {
    const withFault = predict('error-rate', 'codedeploy', 'elb-5xx alarm');
    expect([withFault.outcome, withFault.decidedBy, withFault.seconds]).toEqual([
      'rolled-back',
      'elb-5xx alarm',
      0,
    ]);
    const healthy = expectedRelease({}, context('codedeploy', 'response-time alarm'));
    expect([healthy.outcome, healthy.decidedBy]).toEqual(['rolled-back', 'response-time alarm']);
    expect(expectedRelease({}, context('ecs', 'response-time alarm')).outcome).toBe('succeeded');
  });
});
