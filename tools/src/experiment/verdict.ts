import type { ExpectedRelease, RollbackPrediction } from '../../../core/model/rollback-time';

/** What a rehearsal concluded, local or on AWS: the one verdict every report and scorecard reads. */
export interface ExperimentVerdict {
  /** What the rehearsal model says the release should do, and the signal that should tell CodeDeploy. */
  readonly expected: ExpectedRelease;
  /** What the release did (`succeeded`, `rolled-back`, `refused`, or how the watch ended on AWS). */
  readonly observed: string;
  readonly matched: boolean;
  /** What stopped the deployment, in words, or why it went through. */
  readonly decidedBy: string;
  /** Measured time from the start of the deployment (local) or from green running (AWS) to the stop. */
  readonly detectionMs?: number;
  /** The detection in AWS seconds from green running, to compare with the model's (local: converted). */
  readonly detectedAwsSeconds?: number;
  /** The model's worst case for the same faults on AWS. */
  readonly modelled?: RollbackPrediction;
}

/** A verdict; `matched` follows from what was expected and what was observed. */
export function experimentVerdict(fields: Omit<ExperimentVerdict, 'matched'>): ExperimentVerdict {
  return { ...fields, matched: fields.observed === fields.expected.outcome };
}

/** The model's worst case in words; none for a release the start check refuses, since green never runs. */
export function describeModelled(
  modelled: RollbackPrediction | undefined,
  expected?: ExpectedRelease,
): string {
  if (expected?.outcome === 'refused') return 'n/a (refused: green never starts, so no fault runs)';
  if (modelled === undefined) return 'n/a (no fault)';
  if (modelled.seconds === undefined) return `${modelled.outcome}: ${modelled.signal}`;
  return `${modelled.outcome} about ${modelled.seconds} s (worst case) after green tasks start: ${modelled.signal}`;
}
