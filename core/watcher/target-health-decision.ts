/**
 * The target-health watcher's decision, apart from how it reads target health: the Lambda feeds it what
 * Elastic Load Balancing's `DescribeTargetHealth` says, the local rehearsal what its stand-in target groups
 * know. It stops a deployment once every target of a target group has failed its health checks without a
 * break for the confirmation window: a green that never turns healthy, told minutes before the
 * unhealthy-hosts alarm could (an alarm waits for its one-minute datapoint, CloudWatch's publication and
 * the controller's poll).
 *
 * The reason codes are Elastic Load Balancing API Reference, `TargetHealth`: `initial` (registration or the
 * first checks still running) and `draining` never count; `unhealthy` counts only for a failed health
 * check (`Target.ResponseCodeMismatch`, `Target.Timeout`, `Target.FailedHealthChecks`), not for
 * `Elb.InternalError`, which says nothing about the release. The rule is stricter than the
 * unhealthy-hosts alarm's (one unhealthy target in either target group): it never stops a release that the
 * alarm would let through, so a slow start that turns healthy before the ALB marks it unhealthy succeeds
 * under both.
 */

/** `DescribeTargetHealth` reasons for an `unhealthy` target that mean its health checks failed. */
export const FAILED_CHECK_REASONS = [
  'Target.ResponseCodeMismatch',
  'Target.Timeout',
  'Target.FailedHealthChecks',
] as const;

/** One target as `DescribeTargetHealth` describes it (the parts the watcher reads). */
export interface TargetHealthView {
  /** The target's id and port, e.g. `10.0.1.7:8080`. */
  readonly id: string;
  /** `initial`, `healthy`, `unhealthy`, `unused`, `draining` or `unavailable`. */
  readonly state: string;
  readonly reason?: string;
}

/**
 * What the watcher remembers between two reads of one target group: since when (milliseconds, the
 * watcher's clock) each target has been failing without a break.
 */
export type FailingSince = Readonly<Record<string, number>>;

/** The verdict on one target group at one read. */
export type TargetGroupVerdict =
  | { readonly kind: 'stop'; readonly reason: string }
  | { readonly kind: 'wait'; readonly failingSince: FailingSince; readonly why: string };

const failedCheck = (target: TargetHealthView): boolean =>
  target.state === 'unhealthy' && (FAILED_CHECK_REASONS as readonly string[]).includes(target.reason ?? '');

/**
 * Judges one read of a target group. `confirmMs`: how long every target must have been failing before
 * the watcher stops the deployment (a target that passes one check in between starts again). Throws for
 * a negative or non-finite `confirmMs`, which would stop at the first failed read or never.
 */
export function judgeTargetGroup(
  targets: readonly TargetHealthView[],
  previous: FailingSince,
  nowMs: number,
  confirmMs: number,
): TargetGroupVerdict {
  if (!Number.isFinite(confirmMs) || confirmMs < 0)
    throw new Error(`confirmMs must be a finite number of milliseconds >= 0, got ${String(confirmMs)}`);
  const live = targets.filter((t) => t.state !== 'draining' && t.state !== 'unused');
  const failingSince: Record<string, number> = {};
  for (const target of live.filter(failedCheck)) failingSince[target.id] = previous[target.id] ?? nowMs;
  if (live.length === 0) return { kind: 'wait', failingSince, why: 'no target registered' };
  const passing = live.filter((t) => !failedCheck(t));
  if (passing.length > 0)
    return {
      kind: 'wait',
      failingSince,
      why: `${passing.length}/${live.length} target(s) not failing (${passing.map((t) => `${t.id} ${t.state}`).join(', ')})`,
    };
  const newest = Math.max(...Object.values(failingSince));
  if (nowMs - newest < confirmMs)
    return {
      kind: 'wait',
      failingSince,
      why: `every target failing, for ${nowMs - newest} ms of the ${confirmMs} ms confirmation`,
    };
  const reasons = [...new Set(live.map((t) => t.reason))].join(', ');
  return {
    kind: 'stop',
    reason: `all ${live.length} target(s) failed their health checks for at least ${confirmMs} ms (${reasons})`,
  };
}
