/**
 * The clock every part of the local rehearsal reads and schedules with, so unit tests can drive time by
 * hand instead of sleeping.
 */
export interface Clock {
  /** Milliseconds; only differences matter. */
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Raised by {@link sleep} when its signal aborts; carries the abort reason. */
export class Aborted extends Error {
  constructor(readonly reason: unknown) {
    super('aborted');
  }
}

/** Resolves after `ms` on the given clock; rejects with {@link Aborted} as soon as the signal aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new Aborted(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(new Aborted(signal?.reason));
    };
    const handle = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Polls `condition` every `everyMs` until it holds (resolves true) or `limitMs` passes (resolves false);
 * rejects with {@link Aborted} when the signal aborts.
 */
export async function waitUntil(
  clock: Clock,
  condition: () => boolean,
  options: { everyMs: number; limitMs: number; signal?: AbortSignal },
): Promise<boolean> {
  const end = clock.now() + options.limitMs;
  for (;;) {
    if (condition()) return true;
    if (clock.now() >= end) return false;
    await sleep(clock, Math.min(options.everyMs, end - clock.now()), options.signal);
  }
}
