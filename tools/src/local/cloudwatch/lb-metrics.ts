import type { Clock } from '../clock';

/** The two target groups; they swap roles every deployment, and this rehearsal names them by colour. */
export type GroupName = 'blue' | 'green';
export const GROUP_NAMES: readonly GroupName[] = ['blue', 'green'];

export type ListenerName = 'production' | 'test';

/** One request through the load balancer. */
export interface RequestRecord {
  /** Clock time the request ended. */
  readonly at: number;
  readonly group: GroupName;
  readonly listener: ListenerName;
  readonly status: number;
  /** Who answered: the target, or the load balancer itself (502, 503, 504). */
  readonly source: 'target' | 'elb';
  /** TargetResponseTime, when a target answered. */
  readonly targetMs?: number;
}

/** One second of one target group, like the ALB's per-target-group CloudWatch metrics. */
export interface GroupSecond {
  requests: number;
  target5xx: number;
  elb5xx: number;
  responseTimeSumMs: number;
  responses: number;
}

export interface MetricsSecond {
  readonly second: number;
  readonly groups: Record<GroupName, GroupSecond>;
}

const emptyGroup = (): GroupSecond => ({
  requests: 0,
  target5xx: 0,
  elb5xx: 0,
  responseTimeSumMs: 0,
  responses: 0,
});

/**
 * Per-second counters per target group (requests, target 5xx, the load balancer's own 5xx, response
 * times), and a feed of every request for the alarms.
 */
export class LbMetrics {
  private readonly seconds = new Map<number, MetricsSecond>();
  private readonly listeners: ((r: RequestRecord) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly startedAt: number = clock.now(),
  ) {}

  record(r: RequestRecord): void {
    const second = Math.max(0, Math.floor((r.at - this.startedAt) / 1000));
    let bucket = this.seconds.get(second);
    if (!bucket)
      this.seconds.set(second, (bucket = { second, groups: { blue: emptyGroup(), green: emptyGroup() } }));
    const g = bucket.groups[r.group];
    g.requests += 1;
    if (r.source === 'elb' && r.status >= 500) g.elb5xx += 1;
    if (r.source === 'target' && r.status >= 500) g.target5xx += 1;
    if (r.targetMs !== undefined) {
      g.responseTimeSumMs += r.targetMs;
      g.responses += 1;
    }
    for (const listener of this.listeners) listener(r);
  }

  /** Calls `fn` for every request recorded from now on. */
  subscribe(fn: (r: RequestRecord) => void): void {
    this.listeners.push(fn);
  }

  /** Every second from the start to the last one with data, gaps filled with zeros. */
  series(): MetricsSecond[] {
    const last = Math.max(-1, ...this.seconds.keys());
    return Array.from(
      { length: last + 1 },
      (_, second) =>
        this.seconds.get(second) ?? { second, groups: { blue: emptyGroup(), green: emptyGroup() } },
    );
  }

  /** Totals over the whole run per target group. */
  totals(): Record<GroupName, GroupSecond> {
    const totals = { blue: emptyGroup(), green: emptyGroup() };
    for (const s of this.seconds.values()) {
      for (const name of ['blue', 'green'] as const) {
        for (const key of Object.keys(totals[name]) as (keyof GroupSecond)[])
          totals[name][key] += s.groups[name][key];
      }
    }
    return totals;
  }

  /** Elapsed ms on this metrics' clock since it started. */
  elapsed(): number {
    return this.clock.now() - this.startedAt;
  }
}
