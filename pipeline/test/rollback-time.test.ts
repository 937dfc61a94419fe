import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseFaults } from '../../contract/faults/parse-faults';
import { settings } from '../../contract/settings';
import {
  DEFAULT_ASSUMPTIONS,
  expectedRelease,
  formatRollbackTable,
  predictRollbackTimes,
  ROLLBACK_GOAL_SECONDS,
  timingInputsFromSettings,
  timingInputsFromTemplate,
} from '../../core/model/rollback-time';
import { ServiceStack } from '../lib/service-stack';
import { cdkJsonContext } from './build-stacks';

// Template only: skip the hook's bundling, the timings live in the resource properties.
const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
const template = Template.fromStack(new ServiceStack(app, 'RollbackTime')).toJSON();
const inputs = timingInputsFromTemplate(template);
const predictions = predictRollbackTimes(inputs);

test('the template carries the timings the settings define', () => {
  expect(inputs).toEqual(timingInputsFromSettings());
});

test('every fault the catalogue expects to roll back is predicted to roll back, and the others to succeed', () => {
  for (const p of predictions) {
    expect([p.fault, p.outcome]).toEqual([p.fault, expectedRelease(parseFaults(p.fault)).outcome]);
  }
});

test(`each rollback is triggered within ${ROLLBACK_GOAL_SECONDS} s of green tasks starting`, () => {
  process.stdout.write(
    `\nRollback times (worst case, seconds from green tasks starting):\n${formatRollbackTable(predictions)}\n`,
  );
  const rollbacks = predictions.filter((p) => p.outcome === 'rolled-back');
  expect(rollbacks.map((p) => p.fault).sort()).toEqual(
    [
      'crash-after',
      'dependency-down',
      'error-rate',
      'health-fail',
      'latency',
      'slow-start',
      'startup-crash',
      'wrong-port',
    ].sort(),
  );
  for (const p of rollbacks) expect([p.fault, p.seconds! <= ROLLBACK_GOAL_SECONDS]).toEqual([p.fault, true]);
  expect(ROLLBACK_GOAL_SECONDS).toBe(90);
});

test(`under native ECS blue/green each rollback is triggered within ${ROLLBACK_GOAL_SECONDS} s too, and the hook earlier`, () => {
  const native = predictRollbackTimes(timingInputsFromSettings(settings, undefined, 'ecs'));
  for (const p of native.filter((n) => n.outcome === 'rolled-back'))
    expect([p.fault, p.seconds! <= ROLLBACK_GOAL_SECONDS]).toEqual([p.fault, true]);
  const hookFault = (rows: typeof native) => rows.find((p) => p.fault === 'error-rate')!;
  expect(hookFault(native).decidedBy).toBe('test-traffic hook');
  expect(hookFault(predictions).seconds! - hookFault(native).seconds!).toBe(
    DEFAULT_ASSUMPTIONS.codeDeployStepSeconds - DEFAULT_ASSUMPTIONS.nativeStageSeconds,
  );
});

test('the target-health watcher decides green that never turns healthy; without it the guard would miss the goal', () => {
  const health = ['health-fail', 'wrong-port', 'dependency-down', 'slow-start'];
  for (const p of predictions.filter((r) => health.includes(r.fault)))
    expect([p.fault, p.decidedBy]).toEqual([p.fault, 'target-health watcher']);
  const noWatcher = predictRollbackTimes(inputs, {
    ...DEFAULT_ASSUMPTIONS,
    watcherReactionSeconds: Number.POSITIVE_INFINITY,
  });
  const healthFail = noWatcher.find((p) => p.fault === 'health-fail')!;
  expect(healthFail.decidedBy).toBe('stopped-task guard');
  expect(healthFail.seconds!).toBeGreaterThan(ROLLBACK_GOAL_SECONDS);
});

test('a slow start that recovers before the watcher confirms it is left to the alarm, not stopped by the watcher', () => {
  const hc = inputs.targetHealthCheck;
  // Marked unhealthy after the window, healthy again two passing checks later: before the confirming read.
  const quick = predictRollbackTimes(inputs, DEFAULT_ASSUMPTIONS, {
    'slow-start': hc.intervalSeconds * (hc.unhealthyThresholdCount - 1),
  }).find((p) => p.fault === 'slow-start')!;
  expect(quick.decidedBy).toBe('unhealthy-hosts alarm');
});

test('without the stopped-task guard a late crash would miss the goal, which is why the guard exists', () => {
  const noGuard = predictRollbackTimes(inputs, {
    ...DEFAULT_ASSUMPTIONS,
    guardReactionSeconds: Number.POSITIVE_INFINITY,
  });
  expect(noGuard.find((p) => p.fault === 'crash-after')!.seconds!).toBeGreaterThan(ROLLBACK_GOAL_SECONDS);
});

test('slower health checks make the health faults slower, so the model really reads its inputs', () => {
  // The alarm path alone (ECS too slow to matter) moves by the unhealthy window's growth.
  const alarmOnly = {
    ...DEFAULT_ASSUMPTIONS,
    ecsHealthReactionSeconds: 3600,
    watcherReactionSeconds: 3600,
  };
  const slowInputs = {
    ...inputs,
    targetHealthCheck: { ...inputs.targetHealthCheck, intervalSeconds: 30, unhealthyThresholdCount: 5 },
  };
  const slow = predictRollbackTimes(slowInputs, alarmOnly);
  const fast = predictRollbackTimes(inputs, alarmOnly).find((p) => p.fault === 'health-fail')!.seconds!;
  expect(slow.find((p) => p.fault === 'health-fail')!.seconds!).toBe(
    fast +
      30 * (5 - 1) -
      settings.targetHealthCheck.intervalSeconds * (settings.targetHealthCheck.unhealthyThresholdCount - 1),
  );
  // Through ECS, the original task and its replacement each wait out the window: twice the growth.
  const viaEcs = (i: typeof inputs) =>
    predictRollbackTimes(i, {
      ...DEFAULT_ASSUMPTIONS,
      metricPublishDelaySeconds: 3600,
      watcherReactionSeconds: 3600,
    }).find((p) => p.fault === 'health-fail')!;
  expect(viaEcs(slowInputs).decidedBy).toBe('stopped-task guard');
  // A failing check of health-fail is answered at once: the window alone grows, not the check's timeout.
  const judgedAfter = (i: typeof inputs) =>
    Math.max(
      i.targetHealthCheck.intervalSeconds * (i.targetHealthCheck.unhealthyThresholdCount - 1) +
        DEFAULT_ASSUMPTIONS.requestRoundTripSeconds,
      i.healthCheckGracePeriodSeconds,
    );
  expect(viaEcs(slowInputs).seconds! - viaEcs(inputs).seconds!).toBe(
    2 * (judgedAfter(slowInputs) - judgedAfter(inputs)),
  );
});

test('a template without the deployment group is refused with the missing type named', () => {
  const { Resources, ...rest } = template as { Resources: Record<string, { Type: string }> };
  const without = Object.fromEntries(
    Object.entries(Resources).filter(([, r]) => r.Type !== 'AWS::CodeDeploy::DeploymentGroup'),
  );
  expect(() => timingInputsFromTemplate({ ...rest, Resources: without })).toThrow(
    /AWS::CodeDeploy::DeploymentGroup/,
  );
});
