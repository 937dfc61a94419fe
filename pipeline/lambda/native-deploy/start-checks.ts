/**
 * What the native deploy function reads before it starts ECS's deployment: the listener rules' live weights
 * with their target groups' healthy targets (refuses when production reaches a target group with no
 * healthy target, the decision of `core/weights`), and the service's deployment alarms already in ALARM
 * (warns: ECS Developer Guide, "How CloudWatch alarms detect Amazon ECS deployment failures": if an alarm
 * is in the ALARM state at the beginning of a deployment, Amazon ECS does not monitor alarms for the
 * duration of that deployment).
 */
import { DescribeAlarmsCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DescribeServicesCommand, type ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  productionWeightsVerdict,
  refusalLines,
  type LiveRule,
} from '../../../core/weights/production-weights';

/** The clients the checks read with. */
export interface StartCheckClients {
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly cloudwatch: CloudWatchClient;
}

/** Whether ECS's deployment may start, and the lines to print before it does. */
export interface StartCheck {
  readonly ok: boolean;
  /** Refusal or warnings, each a line for the job's log. */
  readonly lines: readonly string[];
}

const nameOf = (arn: string): string => arn.split('/')[1] ?? arn;

async function liveRule(elbv2: ElasticLoadBalancingV2Client, arn: string): Promise<LiveRule> {
  const { Rules = [] } = await elbv2.send(new DescribeRulesCommand({ RuleArns: [arn] }));
  const forward = Rules[0]?.Actions?.find((a) => a.Type === 'forward');
  const groups = forward?.ForwardConfig?.TargetGroups ?? [];
  const targetGroups = await Promise.all(
    groups.map(async (g) => {
      const tg = g.TargetGroupArn ?? '';
      const { TargetHealthDescriptions = [] } = await elbv2.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: tg }),
      );
      return {
        arn: tg,
        name: nameOf(tg),
        weight: g.Weight ?? 0,
        healthy: TargetHealthDescriptions.filter((d) => d.TargetHealth?.State === 'healthy').length,
      };
    }),
  );
  return { arn, targetGroups };
}

/** Reads the service's rules and alarms and judges whether its deployment may start. */
export async function nativeStartCheck(
  clients: StartCheckClients,
  target: { readonly cluster: string; readonly service: string },
): Promise<StartCheck> {
  const { services = [] } = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: target.cluster, services: [target.service] }),
  );
  const service = services[0];
  if (service === undefined)
    return { ok: false, lines: [`ECS does not describe ${target.cluster}/${target.service}`] };
  const rules = service.loadBalancers?.[0]?.advancedConfiguration;
  if (!rules?.productionListenerRule || !rules.testListenerRule) {
    return {
      ok: false,
      lines: [`${target.service} names no production and test listener rules (advancedConfiguration)`],
    };
  }
  const [production, test] = await Promise.all([
    liveRule(clients.elbv2, rules.productionListenerRule),
    liveRule(clients.elbv2, rules.testListenerRule),
  ]);
  const verdict = productionWeightsVerdict(production, test);
  if (!verdict.ok) return { ok: false, lines: refusalLines(verdict) };

  const names = service.deploymentConfiguration?.alarms?.alarmNames ?? [];
  if (names.length === 0) return { ok: true, lines: [verdict.detail] };
  const { MetricAlarms = [] } = await clients.cloudwatch.send(
    new DescribeAlarmsCommand({ AlarmNames: names }),
  );
  const firing = MetricAlarms.filter((a) => a.StateValue === 'ALARM').map((a) => a.AlarmName ?? '?');
  // Warn rather than refuse: a release is often the fix for what the alarm reports, and the hook, the
  // stopped-task guard and the target-health watcher still stop a bad release without the alarms.
  return {
    ok: true,
    lines: [
      verdict.detail,
      ...firing.map(
        (name) =>
          `WARNING: alarm ${name} is in ALARM as the deployment starts: ECS does not monitor alarms for this deployment, so alarm rollback is off for this release`,
      ),
    ],
  };
}
