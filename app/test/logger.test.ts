import pino from 'pino';
import { isoTimeOncePerMs } from '../src/logger';

describe('isoTimeOncePerMs', () => {
  it("writes exactly what pino's ISO timestamp writes", () => {
    const at = 1_764_557_201_123;
    const realNow = Date.now;
    Date.now = () => at;
    try {
      expect(isoTimeOncePerMs(() => at)()).toBe(pino.stdTimeFunctions.isoTime());
    } finally {
      Date.now = realNow;
    }
  });

  it('formats once per millisecond and again when the millisecond changes', () => {
    let now = Date.UTC(2026, 11, 1, 2, 46, 41, 5);
    const toIso = jest.spyOn(Date.prototype, 'toISOString');
    const time = isoTimeOncePerMs(() => now);
    const first = time();
    expect(time()).toBe(first);
    expect(toIso).toHaveBeenCalledTimes(1);
    now += 1;
    expect(time()).toBe(',"time":"2026-12-01T02:46:41.006Z"');
    expect(toIso).toHaveBeenCalledTimes(2);
    toIso.mockRestore();
  });
});
