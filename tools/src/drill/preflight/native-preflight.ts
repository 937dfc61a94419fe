/**
 * The preflight checks that differ under the `ecs` controller: ECS runs the deployment, so "in progress"
 * is a service deployment that has not ended, and the alarms are the service's deployment alarms.
 */
import { productionWeightsVerdict, type LiveRule } from '../../../../core/weights/production-weights';
import type { AwsClients } from '../../aws/clients';
import {
  listServiceDeployments,
  NATIVE_ACTIVE_STATUSES,
  type NativeServiceRef,
} from '../../aws/native-deployment';
import {
  describeService,
  groupName,
  liveRuleTargets,
  targetHealthCounts,
} from '../../aws/what-runs/what-runs';
import { alarmsAllOk } from './alarm-states';
import type { Found } from './preflight-finding';

export async function noServiceDeploymentInProgress(
  aws: AwsClients,
  service: NativeServiceRef,
): Promise<Found<true>> {
  const active = await listServiceDeployments(aws.ecs(), service, { statuses: NATIVE_ACTIVE_STATUSES });
  return active.length === 0
    ? { ok: true, detail: 'none', value: true }
    : {
        ok: false,
        detail: `${active.map((d) => `${d.serviceDeploymentArn ?? '?'} (${d.status ?? '?'})`).join(', ')} still running; wait for it (npm run rehearse -- watch)`,
      };
}

/**
 * The service's deployment alarms (`DeploymentConfiguration.Alarms` with rollback; ECS Developer Guide,
 * "How CloudWatch alarms detect Amazon ECS deployment failures"), each in OK.
 */
export async function deploymentAlarmsOk(aws: AwsClients, ref: NativeServiceRef): Promise<Found<string[]>> {
  const service = await describeService(aws.ecs(), ref);
  const alarms = service.deploymentConfiguration?.alarms;
  const names = alarms?.alarmNames ?? [];
  if (!alarms?.enable || !alarms.rollback || names.length === 0) {
    return {
      ok: false,
      detail: 'the service has no deployment alarms with rollback, so no alarm can roll a bad release back',
    };
  }
  return alarmsAllOk(aws, names);
}

/** A rule's live forward weights, with each target group's healthy targets now. */
async function liveRule(aws: AwsClients, arn: string): Promise<LiveRule> {
  const groups = await liveRuleTargets(aws.elbv2(), arn);
  const targetGroups = await Promise.all(
    groups.map(async (g) => ({
      ...g,
      name: groupName(g.arn),
      healthy: (await targetHealthCounts(aws.elbv2(), g.arn)).healthy,
    })),
  );
  return { arn, targetGroups };
}

/**
 * Production reaches only target groups with healthy targets, read live from the rules the service names
 * (`advancedConfiguration`): a stack update that rewrote a rule may have sent it to the empty one
 * (aws-cdk issue 36649). The decision is `core/weights`'s, the same the native deploy step makes.
 */
export async function productionWeightsOk(aws: AwsClients, ref: NativeServiceRef): Promise<Found<true>> {
  const service = await describeService(aws.ecs(), ref);
  const rules = service.loadBalancers?.[0]?.advancedConfiguration;
  if (!rules?.productionListenerRule || !rules.testListenerRule)
    return {
      ok: false,
      detail: 'the service names no production and test listener rules (advancedConfiguration)',
    };
  const [production, test] = await Promise.all([
    liveRule(aws, rules.productionListenerRule),
    liveRule(aws, rules.testListenerRule),
  ]);
  const verdict = productionWeightsVerdict(production, test);
  if (verdict.ok) return { ok: true, detail: verdict.detail, value: true };
  return { ok: false, detail: verdict.fix ? `${verdict.detail}: ${verdict.fix}` : verdict.detail };
}
