import { RehearsalRecord } from '../../../src/experiment/rehearsal-record';
import type { StopReason } from '../../../src/local/controllers/lifecycle-parts';
import type { TargetGroup } from '../../../src/local/elb/target-group';
import { deploymentAlarms } from '../../../src/local/lambdas/stop-signals';
import { localTimings } from '../../../src/local/time-scale/local-timings';
import { FakeClock } from '../../helpers/fake-clock';

const quietGroup = { counts: () => ({ healthy: 2, unhealthy: 0 }) } as unknown as TargetGroup;

/** The deployment alarms with `elb-5xx` seeded in ALARM, and whether the controller watches them. */
function seeded(alarmsWatched: boolean) {
  const clock = new FakeClock();
  const timings = localTimings(20);
  const record = new RehearsalRecord(clock, () => undefined);
  const stops: StopReason[] = [];
  const monitor = deploymentAlarms({
    clock,
    timings,
    record,
    groups: { blue: quietGroup, green: quietGroup },
    stop: (reason) => stops.push(reason),
    alarmsWatched: () => alarmsWatched,
  });
  monitor.start();
  monitor.seedAlarm('elb-5xx');
  return { clock, timings, record, stops, monitor };
}

describe('a deployment alarm already in ALARM at the start', () => {
  test('CodeDeploy polls it and stops the deployment at its first poll', async () => {
    const { clock, timings, stops, record } = seeded(true);
    expect(record.events).toContainEqual(
      expect.objectContaining({ type: 'alarm', alarm: 'elb-5xx', state: 'ALARM', signal: 'elb-5xx alarm' }),
    );
    await clock.advance(timings.alarmPollMs - 1);
    expect(stops).toEqual([]);
    await clock.advance(1);
    expect(stops).toEqual([{ trigger: 'alarm', signal: 'elb-5xx alarm', detail: 'alarm elb-5xx in ALARM' }]);
  });

  test('native ECS watches no alarm in that deployment: nothing stops it', async () => {
    const { clock, timings, stops, monitor } = seeded(false);
    await clock.advance(timings.alarmPollMs * 4);
    expect(stops).toEqual([]);
    monitor.stop();
  });

  test('an unknown alarm name is refused, not silently ignored', () => {
    const { monitor } = seeded(true);
    expect(() => monitor.seedAlarm('elb-5xx-green')).toThrow('no deployment alarm named elb-5xx-green');
    monitor.stop();
  });
});
