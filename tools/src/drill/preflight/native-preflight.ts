/**
 * The preflight checks that differ under the `ecs` controller: ECS runs the deployment, so "in progress"
 * is a service deployment that has not ended, and the alarms are the service's deployment alarms.
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../aws/clients';
import {
  listServiceDeployments,
  NATIVE_ACTIVE_STATUSES,
  type NativeServiceRef,
} from '../../aws/native-deployment';
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
  const { services = [], failures = [] } = await aws
    .ecs()
    .send(new DescribeServicesCommand({ cluster: ref.cluster, services: [ref.service] }));
  const service = services[0];
  if (service === undefined) {
    const why = failures.map((f) => f.reason ?? '?').join('; ');
    return {
      ok: false,
      detail: `ECS does not describe ${ref.cluster}/${ref.service}: ${why || 'no reason given'}`,
    };
  }
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
