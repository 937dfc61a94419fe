import { settings } from '../../../../contract/settings';
import { alarmDefinitions, AlarmMonitor, type AlarmChange } from '../../../src/local/cloudwatch/alarms';
import type { RequestRecord } from '../../../src/local/cloudwatch/lb-metrics';
import { FakeClock } from '../../helpers/fake-clock';

const PERIOD = 1000;

function monitor(unhealthy = { blue: 0, green: 0 }) {
  const clock = new FakeClock();
  const changes: AlarmChange[] = [];
  const m = new AlarmMonitor({
    clock,
    periodMs: PERIOD,
    definitions: alarmDefinitions(),
    unhealthyCount: (g) => unhealthy[g],
    onChange: (c) => changes.push(c),
  });
  m.start();
  const fired = (): string[] => changes.filter((c) => c.state === 'ALARM').map((c) => c.alarm.name);
  return { clock, m, fired, unhealthy };
}

const request = (fields: Partial<RequestRecord>): RequestRecord => ({
  at: 0,
  group: 'green',
  listener: 'production',
  status: 200,
  source: 'target',
  targetMs: 5,
  ...fields,
});

describe('local alarms', () => {
  test('nothing fires on a quiet, healthy period (missing data is not breaching)', async () => {
    const { clock, fired } = monitor();
    await clock.advance(PERIOD * 3);
    expect(fired()).toEqual([]);
  });

  test('unhealthy hosts: one unhealthy sample in a period fires only at the end of that period', async () => {
    const { clock, m, fired } = monitor();
    await clock.advance(PERIOD / 2);
    m.sampleUnhealthy('green', settings.alarms.unhealthyHosts);
    m.sampleUnhealthy('green', 0);
    expect(fired()).toEqual([]);
    await clock.advance(PERIOD / 2);
    expect(fired()).toEqual(['unhealthy-hosts-green']);
  });

  test('target 5xx uses the count under the minimum request count', async () => {
    const { clock, m, fired } = monitor();
    for (let i = 0; i < settings.alarms.target5xxCount - 1; i += 1) m.recordRequest(request({ status: 500 }));
    await clock.advance(PERIOD);
    expect(fired()).toEqual([]);
    for (let i = 0; i < settings.alarms.target5xxCount; i += 1) m.recordRequest(request({ status: 500 }));
    await clock.advance(PERIOD);
    expect(fired()).toEqual(['target-5xx-green']);
  });

  test('target 5xx uses the rate once there are enough requests', async () => {
    const { clock, m, fired } = monitor();
    const total = 200;
    const under = Math.ceil((total * settings.alarms.target5xxRatePercent) / 100) - 1;
    for (let i = 0; i < total; i += 1)
      m.recordRequest(request({ status: i < under ? 500 : 200, group: 'blue' }));
    await clock.advance(PERIOD);
    expect(under).toBeGreaterThanOrEqual(settings.alarms.target5xxCount);
    expect(fired()).toEqual([]);
    for (let i = 0; i < total; i += 1)
      m.recordRequest(request({ status: i <= under ? 500 : 200, group: 'blue' }));
    await clock.advance(PERIOD);
    expect(fired()).toEqual(['target-5xx-blue']);
  });

  test("the load balancer's own 5xx count separately from the target's", async () => {
    const { clock, m, fired } = monitor();
    for (let i = 0; i < settings.alarms.elb5xxCount; i += 1)
      m.recordRequest(request({ status: 502, source: 'elb', targetMs: undefined }));
    await clock.advance(PERIOD);
    expect(fired()).toEqual(['elb-5xx']);
  });

  test('response time fires above the threshold average, not at it', async () => {
    const { clock, m, fired } = monitor();
    const limitMs = settings.alarms.responseTimeSeconds * 1000;
    m.recordRequest(request({ targetMs: limitMs }));
    await clock.advance(PERIOD);
    expect(fired()).toEqual([]);
    m.recordRequest(request({ targetMs: limitMs * 2 }));
    m.recordRequest(request({ targetMs: 10 }));
    await clock.advance(PERIOD);
    expect(fired()).toEqual(['response-time-green']);
  });

  test('a stopped task fires the stopped-tasks alarm, and the alarm returns to OK in a clean period', async () => {
    const { clock, m, fired } = monitor();
    m.recordTaskStop();
    await clock.advance(PERIOD);
    expect(fired()).toEqual(['stopped-tasks']);
    expect(m.firing()).toEqual(['stopped-tasks']);
    await clock.advance(PERIOD);
    expect(m.firing()).toEqual([]);
  });
});
