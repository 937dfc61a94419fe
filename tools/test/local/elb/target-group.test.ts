import { TargetGroup, type Target } from '../../../src/local/elb/target-group';
import { FakeClock } from '../../helpers/fake-clock';

const target = (id: string): Target => ({ id, host: '127.0.0.1', port: 1 });

function group(passing: Set<string>, clock = new FakeClock()) {
  const changes: string[] = [];
  const tg = new TargetGroup({
    name: 'green',
    healthCheck: { intervalMs: 1000, timeoutMs: 800, healthyThreshold: 2, unhealthyThreshold: 2 },
    deregistrationDelayMs: 500,
    clock,
    check: (t) => Promise.resolve(passing.has(t.id)),
    onChange: (_g, t, from, to) => changes.push(`${t.id}:${from}->${to}`),
  });
  return { tg, clock, changes };
}

describe('local target group', () => {
  test('checks a target at registration and once per interval: healthy after the threshold', async () => {
    const { tg, clock } = group(new Set(['a']));
    tg.register(target('a'));
    await clock.advance(0);
    expect(tg.healthOf('a')).toBe('initial');
    await clock.advance(1000);
    expect(tg.healthOf('a')).toBe('healthy');
    tg.close();
  });

  test('routes only to healthy targets while any is healthy', async () => {
    const { tg, clock } = group(new Set(['a']));
    tg.register(target('a'));
    tg.register(target('b'));
    await clock.advance(1000);
    expect(tg.counts()).toEqual({ healthy: 1, unhealthy: 1, initial: 0, draining: 0 });
    const picks = new Set(Array.from({ length: 6 }, () => tg.pick()?.id));
    expect([...picks]).toEqual(['a']);
    tg.close();
  });

  test('fails open: with no healthy target it routes to every registered target', async () => {
    const { tg, clock } = group(new Set());
    tg.register(target('a'));
    tg.register(target('b'));
    await clock.advance(1000);
    expect(tg.counts().unhealthy).toBe(2);
    const picks = new Set(Array.from({ length: 6 }, () => tg.pick()?.id));
    expect([...picks].sort()).toEqual(['a', 'b']);
    tg.close();
  });

  test('a group without targets has nothing to pick (the load balancer answers 503)', () => {
    const { tg } = group(new Set());
    expect(tg.pick()).toBeUndefined();
  });

  test('deregistration drains first: no new requests, removed after the delay', async () => {
    const { tg, clock, changes } = group(new Set(['a']));
    tg.register(target('a'));
    await clock.advance(1000);
    const done = tg.deregister('a');
    expect(tg.healthOf('a')).toBe('draining');
    expect(tg.pick()).toBeUndefined();
    await clock.advance(499);
    expect(tg.healthOf('a')).toBe('draining');
    await clock.advance(1);
    await done;
    expect(tg.healthOf('a')).toBeUndefined();
    expect(changes).toEqual([
      'a:unused->initial',
      'a:initial->healthy',
      'a:healthy->draining',
      'a:draining->unused',
    ]);
  });
});
