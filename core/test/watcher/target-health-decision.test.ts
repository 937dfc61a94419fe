import { judgeTargetGroup, type TargetHealthView } from '../../watcher/target-health-decision';

const failing = (id: string, reason = 'Target.ResponseCodeMismatch'): TargetHealthView => ({
  id,
  state: 'unhealthy',
  reason,
});
const CONFIRM_MS = 5_000;

describe('judgeTargetGroup', () => {
  it('waits while every target has failed for less than the confirmation window', () => {
    const verdict = judgeTargetGroup([failing('a'), failing('b')], {}, 1_000, CONFIRM_MS);
    expect(verdict).toMatchObject({ kind: 'wait', failingSince: { a: 1_000, b: 1_000 } });
  });

  it('stops once every target has failed without a break for the confirmation window', () => {
    const first = judgeTargetGroup([failing('a'), failing('b', 'Target.Timeout')], {}, 1_000, CONFIRM_MS);
    if (first.kind !== 'wait') throw new Error('expected wait');
    const verdict = judgeTargetGroup(
      [failing('a'), failing('b', 'Target.Timeout')],
      first.failingSince,
      6_000,
      CONFIRM_MS,
    );
    expect(verdict).toEqual({
      kind: 'stop',
      reason: expect.stringContaining('all 2 target(s) failed their health checks') as string,
    });
  });

  it('waits while one target is still initial or healthy: a slow start has not failed', () => {
    for (const state of ['initial', 'healthy']) {
      const verdict = judgeTargetGroup([failing('a'), { id: 'b', state }], { a: 0 }, 60_000, CONFIRM_MS);
      expect(verdict.kind).toBe('wait');
    }
  });

  it('forgets a target that passed a check in between, so its window starts again', () => {
    const healthy = judgeTargetGroup([{ id: 'a', state: 'healthy' }], { a: 0 }, 4_000, CONFIRM_MS);
    if (healthy.kind !== 'wait') throw new Error('expected wait');
    expect(healthy.failingSince).toEqual({});
    const again = judgeTargetGroup([failing('a')], healthy.failingSince, 6_000, CONFIRM_MS);
    expect(again).toMatchObject({ kind: 'wait', failingSince: { a: 6_000 } });
  });

  it('does not count an internal load balancer error or a draining target', () => {
    const internal = judgeTargetGroup([failing('a', 'Elb.InternalError')], { a: 0 }, 60_000, CONFIRM_MS);
    expect(internal.kind).toBe('wait');
    const drainingOnly = judgeTargetGroup([{ id: 'a', state: 'draining' }], {}, 60_000, CONFIRM_MS);
    expect(drainingOnly).toMatchObject({ kind: 'wait', why: 'no target registered' });
  });

  it('rejects a confirmation window that would stop at the first read or never', () => {
    expect(() => judgeTargetGroup([], {}, 0, -1)).toThrow('confirmMs must be a finite number');
    expect(() => judgeTargetGroup([], {}, 0, Number.NaN)).toThrow('got NaN');
  });
});
