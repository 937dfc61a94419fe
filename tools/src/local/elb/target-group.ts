import { type Clock, sleep } from '../clock';
import { afterCheck, INITIAL, type HealthCounters, type TargetHealth, type Thresholds } from './health-state';

/** One registered target: a task's address. */
export interface Target {
  readonly id: string;
  readonly host: string;
  readonly port: number;
}

export interface HealthCheckSettings extends Thresholds {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** Runs one health check against a target; resolves whether it passed, never rejects. */
export type HealthCheckFn = (target: Target, timeoutMs: number) => Promise<boolean>;

export interface TargetGroupOptions {
  readonly name: string;
  readonly healthCheck: HealthCheckSettings;
  readonly deregistrationDelayMs: number;
  readonly clock: Clock;
  readonly check: HealthCheckFn;
  /** Called whenever a target's health state changes (registration and removal included). */
  readonly onChange?: (
    group: TargetGroup,
    target: Target,
    from: TargetHealth | 'unused',
    to: TargetHealth | 'unused',
  ) => void;
}

interface Entry {
  readonly target: Target;
  health: HealthCounters;
  timer?: unknown;
  checking: boolean;
}

/** Health counts, as the ALB's HealthyHostCount and UnHealthyHostCount metrics see them. */
export interface HealthCounts {
  healthy: number;
  unhealthy: number;
  initial: number;
  draining: number;
}

/**
 * An ALB target group: registered targets, their health checks and state machine, and the choice of a
 * target for the next request (healthy ones only, or every target when none is healthy: the ALB fails open).
 */
export class TargetGroup {
  private readonly entries = new Map<string, Entry>();
  private next = 0;
  private closed = false;

  constructor(private readonly options: TargetGroupOptions) {}

  get name(): string {
    return this.options.name;
  }

  /** Registers a target in state `initial` and checks it at once, then every interval. */
  register(target: Target): void {
    if (this.entries.has(target.id)) return;
    const entry: Entry = { target, health: INITIAL, checking: false };
    this.entries.set(target.id, entry);
    this.options.onChange?.(this, target, 'unused', 'initial');
    this.runCheck(entry);
  }

  /**
   * Stops routing new requests to the target and removes it after the deregistration delay, during which
   * requests already in flight finish. Resolves once it is removed.
   */
  async deregister(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry || entry.health.state === 'draining') return;
    this.options.clock.clearTimeout(entry.timer);
    this.transition(entry, { state: 'draining', streak: 0 });
    await sleep(this.options.clock, this.options.deregistrationDelayMs);
    if (this.entries.get(id) === entry) {
      this.entries.delete(id);
      this.options.onChange?.(this, entry.target, 'draining', 'unused');
    }
  }

  /** The current state of a target, or undefined when it is not registered. */
  healthOf(id: string): TargetHealth | undefined {
    return this.entries.get(id)?.health.state;
  }

  /** Every registered target and its state, as `DescribeTargetHealth` lists them. */
  targets(): { readonly id: string; readonly state: TargetHealth }[] {
    return [...this.entries.values()].map((e) => ({ id: e.target.id, state: e.health.state }));
  }

  counts(): HealthCounts {
    const counts: HealthCounts = { healthy: 0, unhealthy: 0, initial: 0, draining: 0 };
    for (const entry of this.entries.values()) counts[entry.health.state] += 1;
    return counts;
  }

  /** Targets that are registered and not draining. */
  get size(): number {
    let n = 0;
    for (const entry of this.entries.values()) if (entry.health.state !== 'draining') n += 1;
    return n;
  }

  /**
   * The next target in round-robin order among healthy targets; when none is healthy, among all targets
   * that are not draining (fail open). Undefined when the group has no such target.
   */
  pick(): Target | undefined {
    const live = [...this.entries.values()].filter((e) => e.health.state !== 'draining');
    const healthy = live.filter((e) => e.health.state === 'healthy');
    const pool = healthy.length > 0 ? healthy : live;
    if (pool.length === 0) return undefined;
    const entry = pool[this.next++ % pool.length];
    return entry?.target;
  }

  /** Stops every health check; targets stay as they are. */
  close(): void {
    this.closed = true;
    for (const entry of this.entries.values()) this.options.clock.clearTimeout(entry.timer);
  }

  private runCheck(entry: Entry): void {
    if (this.closed || this.entries.get(entry.target.id) !== entry || entry.health.state === 'draining')
      return;
    const { clock, healthCheck } = this.options;
    entry.timer = clock.setTimeout(() => this.runCheck(entry), healthCheck.intervalMs);
    // Like the ALB, a check still waiting for its answer is not overlapped by the next one.
    if (entry.checking) return;
    entry.checking = true;
    void this.options.check(entry.target, healthCheck.timeoutMs).then((passed) => {
      entry.checking = false;
      if (this.closed || this.entries.get(entry.target.id) !== entry) return;
      this.transition(entry, afterCheck(entry.health, passed, healthCheck));
    });
  }

  private transition(entry: Entry, next: HealthCounters): void {
    const from = entry.health.state;
    entry.health = next;
    if (from !== next.state) this.options.onChange?.(this, entry.target, from, next.state);
  }
}
