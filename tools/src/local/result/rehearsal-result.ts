import type {
  ExpectedOutcome,
  ExpectedRelease,
  RollbackPrediction,
} from '../../../../core/model/rollback-time';
import type { DecidingSignal } from '../../../../core/model/signal-paths';
import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { ProbeResult } from '../../../../core/probe/release-probe';
import type { LoadResult } from '../../load/load-loop';
import type { RecordedOutcome, RehearsalEvent } from '../../experiment/rehearsal-event';
import type { DeploymentOutcome } from '../controllers/lifecycle-parts';
import type { HealthCounts } from '../elb/target-group';
import type { GroupName, GroupSecond } from '../cloudwatch/lb-metrics';
import type { LocalTimings } from '../time-scale/local-timings';
import type { VersionSecond } from './load-series';
import type { HandStop, HoldSummary } from './hand-decisions';

/** The live state shown on one terminal line. */
export interface ProgressSnapshot {
  readonly elapsedMs: number;
  readonly phase: string;
  readonly greenPercent: number;
  readonly health: Record<GroupName, HealthCounts>;
  readonly alarms: string[];
  readonly requestsPerSecond: number;
  readonly errorsPerSecond: number;
}

/** Everything a report needs about one rehearsal. */
export interface RehearsalResult {
  readonly faults: string;
  readonly config: string;
  /** The controller the stand-in played: CodeDeploy's lifecycle or native ECS blue/green's stages. */
  readonly controller: DeploymentControllerName;
  /** The deployment alarm already in ALARM when the deployment started, when the rehearsal seeded one. */
  readonly alarmAtStart?: string;
  /** Production started reset to the empty target group (native ECS; aws-cdk issue 36649). */
  readonly productionRuleReset?: boolean;
  readonly timeScale: number;
  readonly timings: LocalTimings;
  /** `refused`: the native start check never let the deployment start. */
  readonly outcome: ExpectedOutcome;
  readonly expected: ExpectedRelease;
  /** Same outcome as the model and, for a rollback, the same deciding signal. */
  readonly matched: boolean;
  readonly reason: string;
  /** The signal that stopped the deployment, in the rehearsal model's words; undefined when nothing did. */
  readonly decidedBy?: DecidingSignal;
  readonly deployment: DeploymentOutcome;
  /**
   * When green's first task was RUNNING and registered (or stopped, for a task that never got that far), in
   * rehearsal milliseconds: the model's time zero. The real start-up before it is not compressed.
   */
  readonly greenRunningAtMs?: number;
  /** Real milliseconds green's first task took from launch to that point: start-up, not compressed. */
  readonly greenStartupMs?: number;
  /**
   * Local detection from green running, converted to AWS seconds with the time scale, except the spans in
   * `realTime` that ran at another speed, which count as what they stand for on AWS.
   */
  readonly detectedAwsSeconds?: number;
  /** What could not be compressed, how long it took, and how much of it the detection counts (AWS ms). */
  readonly realTime: readonly RealTimeSpan[];
  /** The rehearsal's typed record: every figure above is read from it. */
  readonly events: readonly RehearsalEvent[];
  readonly load: Pick<LoadResult, 'requests' | 'failed' | 'byVersion' | 'byStatus' | 'errors' | 'latency'> & {
    failedByVersion: Record<string, number>;
  };
  readonly series: VersionSecond[];
  readonly targetGroups: Record<GroupName, GroupSecond>;
  /** The deployment group's alarms; their states and firing times are in the record. */
  readonly alarms: readonly { readonly name: string; readonly description: string }[];
  readonly hook?: ProbeResult;
  /** The worst-case AWS time the infrastructure model predicts for these faults. */
  readonly modelledAws?: RollbackPrediction;
  /** The gate's hold, when the deployment held before production traffic. */
  readonly hold?: HoldSummary;
  /** A person's stop, when one stopped the deployment. */
  readonly handStop?: HandStop;
  /** Why the model's expectation does not apply (a person, or the gate's time-out, decided); `matched` is then true. */
  readonly outsideModel?: string;
}

/** A part of the rehearsal that ran in real (uncompressed, or less compressed) time. */
export interface RealTimeSpan {
  readonly what: string;
  readonly realMs: number;
  /** What the span stands for in AWS milliseconds inside the detection; 0 when it lies outside it. */
  readonly countedAsAwsMs: number;
  /** Inside the detection though it counts nothing (a person's time at the gate). @default countedAsAwsMs > 0 */
  readonly insideDetection?: boolean;
}

/**
 * Rehearsal milliseconds from green running to detection, in AWS seconds: the time scale undone, except
 * for the spans inside the detection that ran at another speed, which count as what they stand for.
 */
export function detectedAwsSecondsOf(
  detectionMs: number,
  timeScale: number,
  spans: readonly RealTimeSpan[],
): number {
  const inside = spans.filter((s) => s.insideDetection ?? s.countedAsAwsMs > 0);
  const realMs = inside.reduce((sum, s) => sum + s.realMs, 0);
  const awsMs = inside.reduce((sum, s) => sum + s.countedAsAwsMs, 0);
  return Math.round(((detectionMs - realMs) * timeScale + awsMs) / 100) / 10;
}

/** Whether a rehearsal did what the model says AWS does: the same outcome and, for a rollback, the same signal. */
export function matchesModel(
  outcome: RecordedOutcome,
  decidedBy: DecidingSignal | undefined,
  expected: ExpectedRelease,
  modelled: RollbackPrediction | undefined,
): boolean {
  if (outcome !== expected.outcome) return false;
  if (outcome !== 'rolled-back') return true;
  // Without a fault, an alarm in ALARM at the start can still decide (CodeDeploy): the expectation names it.
  const expectedSignal = modelled?.decidedBy ?? expected.decidedBy;
  return expectedSignal !== undefined && decidedBy === expectedSignal;
}
