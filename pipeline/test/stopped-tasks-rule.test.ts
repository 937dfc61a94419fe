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

const event = (detail: Record<string, unknown>) => ({
  source: 'aws.ecs',
  'detail-type': 'ECS Task State Change',
  detail: { clusterArn: CLUSTER, group: 'service:rollback-rehearsal', lastStatus: 'STOPPED', ...detail },
});

test('a green task ECS stopped for failing its ELB health checks reaches the guard and the alarm', () => {
  const elbStop = event({
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason:
      'Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/0123456789abcdef)',
  });
  expect(matches(pattern, elbStop)).toBe(true);
});

test('crashes match, and tasks retired by a deployment or scale-in do not', () => {
  expect(
    matches(
      pattern,
      event({ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' }),
    ),
  ).toBe(true);
  const retired = event({
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1234567890123456789)',
  });
  expect(matches(pattern, retired)).toBe(false);
  expect(matches(pattern, { ...elbLike(), detail: { ...elbLike().detail, lastStatus: 'RUNNING' } })).toBe(
    false,
  );
});

function elbLike() {
  return event({
    stopCode: 'ServiceSchedulerInitiated',
    stoppedReason: 'Task failed ELB health checks in (target-group x)',
  });
}
