import type { Clock } from '../../src/local/clock';

interface Timer {
  at: number;
  fn: () => void;
  id: number;
}

/**
 * A clock that moves only when a test moves it: {@link FakeClock.advance} fires due timers in order, and
 * `sleep` (for code that polls through an injected sleep) records each wait and moves time by it at once.
 * `now` and `sleep` are bound, so they can be handed out on their own.
 */
export class FakeClock implements Clock {
  /** Every wait asked of `sleep`, in order. */
  readonly sleeps: number[] = [];
  private time: number;
  private serial = 0;
  private timers: Timer[] = [];

  constructor(start = 0) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly sleep = (ms: number): Promise<void> => {
    this.sleeps.push(ms);
    this.time += ms;
    return Promise.resolve();
  };

  setTimeout(fn: () => void, ms: number): unknown {
    const timer = { at: this.time + Math.max(0, ms), fn, id: ++this.serial };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    this.timers = this.timers.filter((t) => t.id !== handle);
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await flush();
      const due = this.timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = due.at;
      due.fn();
    }
    this.time = end;
    await flush();
  }
}

/** Lets pending promise callbacks run. */
export async function flush(): Promise<void> {
  for (let i = 0; i < 20; i += 1) await Promise.resolve();
}
