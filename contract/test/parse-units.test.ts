import { MAX_TIMER_MS, parseCount, parseDuration } from '../parse-units';

describe('parseDuration', () => {
  const flag = { bareUnit: 's', suffixes: true, minMs: 1 } as const;

  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    [`${MAX_TIMER_MS}ms`, MAX_TIMER_MS],
  ])('reads %s as %d ms', (text, ms) => {
    expect(parseDuration(text, flag)).toEqual({ ok: true, value: ms });
  });

  it.each(['0', '0ms', '-5s', '1e3', 'abc', '', `${MAX_TIMER_MS + 1}ms`, '3000000000ms', '596524h'])(
    'refuses %j with the allowed range and why',
    (text) => {
      const parsed = parseDuration(text, flag);
      expect(parsed.ok).toBe(false);
      expect(parsed).toMatchObject({
        allowed: expect.stringMatching(/from 1ms to 2147483647ms \(the longest delay a timer holds\)/),
      });
    },
  );

  it('keeps bare numbers in the rule unit when suffixes are not allowed', () => {
    const faultMs = { bareUnit: 'ms', suffixes: false, whole: true, minMs: 0 } as const;
    expect(parseDuration('2000', faultMs)).toEqual({ ok: true, value: 2000 });
    expect(parseDuration('2s', faultMs).ok).toBe(false);
    expect(parseDuration('1.5', faultMs).ok).toBe(false);
    expect(parseDuration('3000000000', faultMs)).toEqual({
      ok: false,
      allowed: 'a whole number of milliseconds from 0 to 2147483647 (the longest delay a timer holds)',
    });
  });
});

describe('parseCount', () => {
  const rule = { whole: true, min: 1, max: 1000, why: 'sockets' };

  it('reads a whole number inside the range', () => {
    expect(parseCount('1000', rule)).toEqual({ ok: true, value: 1000 });
  });

  it.each(['0', '1001', '100000000', '-1', '2.5', '1e3', '0x10', ''])('refuses %j', (text) => {
    expect(parseCount(text, rule)).toEqual({ ok: false, allowed: 'a whole number from 1 to 1000 (sockets)' });
  });
});

describe('range messages', () => {
  it('write large whole bounds exactly', () => {
    const rule = { whole: true, min: 1, max: Number.MAX_SAFE_INTEGER, why: 'exact' };
    expect(parseCount('0', rule)).toEqual({
      ok: false,
      allowed: 'a whole number from 1 to 9007199254740991 (exact)',
    });
  });
});
