import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import type { AwsClients } from '../../aws/clients';
import type { Found } from './preflight-finding';

/** Every alarm in `names` is in OK, or the check fails naming each one that is not. */
export async function alarmsAllOk(aws: AwsClients, names: readonly string[]): Promise<Found<string[]>> {
  const { MetricAlarms = [], CompositeAlarms = [] } = await aws
    .cloudWatch()
    .send(new DescribeAlarmsCommand({ AlarmNames: [...names] }));
  const states = new Map<string, string>();
  for (const alarm of [...MetricAlarms, ...CompositeAlarms])
    states.set(alarm.AlarmName ?? '?', alarm.StateValue ?? '?');
  const notOk = names
    .filter((name) => states.get(name) !== 'OK')
    .map((name) => `${name} is ${states.get(name) ?? 'missing'}`);
  return notOk.length === 0
    ? { ok: true, detail: `${names.length} alarms OK`, value: [...names] }
    : { ok: false, detail: notOk.join('; ') };
}
