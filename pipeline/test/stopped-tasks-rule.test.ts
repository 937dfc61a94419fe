import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import { StoppedTasksSignal } from '../lib/stopped-tasks-signal';

/*
 * The rule that feeds the stopped-task guard and the stopped-tasks alarm, matched against the events ECS
 * sends (Amazon ECS Developer Guide, "Amazon ECS task state change events") with the subset of EventBridge
 * pattern matching the rule uses: value lists, prefixes and $or.
 */
const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/rehearsal';
const stack = new Stack(new App(), 'Rule');
new StoppedTasksSignal(stack, 'Signal', {
  cluster: { clusterArn: CLUSTER } as ecs.ICluster,
  service: { serviceName: 'rollback-rehearsal' } as ecs.IBaseService,
});
const [rule] = Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
const pattern = rule!.Properties.EventPattern as Record<string, unknown>;

type Pattern = Record<string, unknown>;
function matches(p: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(p).every(([key, want]) => {
    if (key === '$or') return (want as Pattern[]).some((alt) => matches(alt, event));
    const got = event[key];
    if (!Array.isArray(want))
      return (
        typeof got === 'object' && got !== null && matches(want as Pattern, got as Record<string, unknown>)
      );
    return want.some((w) =>
      typeof w === 'object' && w !== null && 'prefix' in w
        ? typeof got === 'string' && got.startsWith((w as { prefix: string }).prefix)
        : got === w,
    );
  });
}

const TARGET_GROUP = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/0123456789abcdef';

/** A task state change event; by default the last one of a stop (lastStatus STOPPED). */
const event = (detail: Record<string, unknown>) => ({
  source: 'aws.ecs',
  'detail-type': 'ECS Task State Change',
  detail: {
    clusterArn: CLUSTER,
    group: 'service:rollback-rehearsal',
    lastStatus: 'STOPPED',
    desiredStatus: 'STOPPED',
    ...detail,
  },
});

const ELB_STOP = {
  stopCode: 'ServiceSchedulerInitiated',
  stoppedReason: `Task failed ELB health checks in (target-group ${TARGET_GROUP})`,
};
const SCALE_IN = {
  stopCode: 'ServiceSchedulerInitiated',
  stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
};

/** The events of one stop, first to last: ECS sets desiredStatus STOPPED while the task still runs. */
const stopSequence = (why: Record<string, unknown>) =>
  ['RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'].map((lastStatus) =>
    event({ ...why, lastStatus, stoppingAt: '2025-01-01T10:01:25.400Z' }),
  );

test('a green task ECS stopped for failing its ELB health checks reaches the guard and the alarm', () => {
  expect(matches(pattern, event(ELB_STOP))).toBe(true);
});

test('the guard sees the first event of a health-check stop, before the task drains and exits', () => {
  const [first] = stopSequence(ELB_STOP);
  expect(first!.detail).toMatchObject({ lastStatus: 'RUNNING', desiredStatus: 'STOPPED' });
  expect(matches(pattern, first!)).toBe(true);
  // A scale-in stop's first event carries the same stop code but not the "Task failed" reason.
  expect(matches(pattern, stopSequence(SCALE_IN)[0]!)).toBe(false);
});

test('crashes match, and tasks retired by a deployment or scale-in do not', () => {
  expect(
    matches(
      pattern,
      event({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }),
    ),
  ).toBe(true);
  expect(matches(pattern, event({ lastStatus: 'RUNNING', stopCode: 'EssentialContainerExited' }))).toBe(true);
  for (const retired of stopSequence(SCALE_IN)) expect(matches(pattern, retired)).toBe(false);
  // A task that runs and is meant to keep running is no stop at all.
  expect(matches(pattern, event({ lastStatus: 'RUNNING', desiredStatus: 'RUNNING' }))).toBe(false);
});

const [filter] = Object.values(Template.fromStack(stack).findResources('AWS::Logs::MetricFilter'));
const filterPattern = filter!.Properties.FilterPattern as string;

/** The one form of CloudWatch Logs JSON filter pattern the metric filter uses: `{ $.a.b = "value" }`. */
function counts(logged: { detail: Record<string, unknown> }): boolean {
  const parts = /^\{ \$\.detail\.(\w+) = "([^"]*)" \}$/.exec(filterPattern);
  if (parts === null) throw new Error(`unexpected filter pattern ${filterPattern}`);
  return logged.detail[parts[1]!] === parts[2];
}

test('the log group keeps every event of a stop, and the metric filter counts each task once', () => {
  const logged = stopSequence(ELB_STOP).filter((e) => matches(pattern, e));
  expect(logged).toHaveLength(5);
  expect(logged.filter(counts).map((e) => e.detail.lastStatus)).toEqual(['STOPPED']);
});
