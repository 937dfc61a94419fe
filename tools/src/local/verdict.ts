import type { RehearsalResult } from './rehearsal';

/** The headline numbers every report shows, in milliseconds of measured (compressed) time. */
export interface Verdict {
  /** From the start of the deployment to the signal that stopped it. */
  readonly detectionMs?: number;
  /** From the start of the deployment to blue serving alone again with green stopped. */
  readonly rollbackMs?: number;
  /** From the start of the deployment to its end, either way. */
  readonly deploymentMs: number;
  /** What stopped the deployment, in words, and whether that is a signal the catalogue names. */
  readonly trigger: string;
  /** The infrastructure model's worst-case AWS time for these faults, in words. */
  readonly modelledAws: string;
  /** Set when the stop came while CodeDeploy was still waiting for green: what would have happened without alarms. */
  readonly waitNote?: string;
}

const minus = (a: number | undefined, b: number): number | undefined =>
  a === undefined ? undefined : Math.round(a - b);

export function verdictOf(result: RehearsalResult): Verdict {
  const d = result.deployment;
  const detectionMs = minus(d.detectedAtMs, d.startedAtMs);
  const rollbackMs = minus(d.rolledBackAtMs, d.startedAtMs);
  const deploymentMs = Math.round(d.finishedAtMs - d.startedAtMs);
  const trigger =
    d.trigger === 'hook'
      ? 'the AfterAllowTestTraffic hook'
      : d.trigger === 'alarm'
        ? d.reason
        : d.trigger === 'ready-timeout'
          ? "green never became ready (local cap on CodeDeploy's hour-long wait)"
          : 'none (every step passed)';
  const m = result.modelledAws;
  const modelledAws =
    m === undefined
      ? 'n/a (no fault)'
      : m.seconds === undefined
        ? `${m.outcome}: ${m.signal}`
        : `${m.outcome} about ${m.seconds} s (worst case) after green tasks start: ${m.signal}`;
  const waitNote =
    d.trigger === 'alarm' && d.stoppedIn === 'Install'
      ? `green never became ready; CodeDeploy alone would keep waiting about an hour (locally capped at ${Math.round(result.timings.readyWaitMs / 1000)} s): the alarm is what rolled back`
      : undefined;
  return {
    modelledAws,
    waitNote,
    detectionMs,
    rollbackMs,
    deploymentMs,
    trigger,
  };
}
