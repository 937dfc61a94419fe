import { refusalLines } from '../../../../core/weights/production-weights';
import { eventsOf } from '../../experiment/read-record';
import { experimentVerdict, type ExperimentVerdict } from '../../experiment/verdict';
import type { RehearsalResult } from '../rehearsal/rehearsal';
import { CONTROLLER_NAME, SCALE_UP_STEP } from '../controllers/controller-label';

/** The experiment's verdict, with the local run's own figures in milliseconds of measured (compressed) time. */
export interface LocalVerdict extends ExperimentVerdict {
  /** From the start of the deployment to blue serving alone again with green stopped. */
  readonly rollbackMs?: number;
  /** From the start of the deployment to its end, either way. */
  readonly deploymentMs: number;
  /** Set when the stop came while the controller was still waiting for green: what would have happened without alarms. */
  readonly waitNote?: string;
}

const minus = (a: number | undefined, b: number): number | undefined =>
  a === undefined ? undefined : Math.round(a - b);

/**
 * The native start check's refusal in the deploy step's lines (what points where, then what to run), when
 * it refused the deployment.
 */
export function startRefusal(result: RehearsalResult): string[] | undefined {
  const refusal = eventsOf(result.events, 'start-check').find((e) => !e.ok);
  return refusal && refusalLines(refusal);
}

function decidedBy(result: RehearsalResult): string {
  const d = result.deployment;
  if (result.decidedBy !== undefined) return result.decidedBy;
  if (result.outcome === 'refused') return "the native deploy step's start check";
  if (d.trigger === 'ready-timeout')
    return `green never became ready (local cap on ${CONTROLLER_NAME[result.controller]}'s wait)`;
  if (d.trigger === 'interrupt') return 'interrupted';
  if (result.handStop) return `stopped by hand (${result.handStop.command} --local)`;
  if (d.trigger === 'hold-timeout') return "the gate's hold timed out with rollback";
  return 'none (every step passed)';
}

/** The verdict of one local rehearsal, counted from the start of the deployment. */
export function verdictOf(result: RehearsalResult): LocalVerdict {
  const d = result.deployment;
  const detectionMs = minus(d.detectedAtMs, d.startedAtMs);
  const rollbackMs = minus(d.rolledBackAtMs, d.startedAtMs);
  const waitNote =
    d.trigger === 'alarm' && d.stoppedIn === SCALE_UP_STEP[result.controller]
      ? `green never became ready; ${CONTROLLER_NAME[result.controller]} alone would keep waiting${result.controller === 'codedeploy' ? ' about an hour' : ''} (locally capped at ${Math.round(result.timings.readyWaitMs / 1000)} s): the alarm is what rolled back`
      : undefined;
  return {
    ...experimentVerdict({
      expected: result.expected,
      observed: result.outcome,
      decidedBy: decidedBy(result),
      ...(detectionMs !== undefined && { detectionMs }),
      ...(result.detectedAwsSeconds !== undefined && { detectedAwsSeconds: result.detectedAwsSeconds }),
      ...(result.modelledAws && { modelled: result.modelledAws }),
    }),
    // Locally the deciding signal must match the model's too, not only the outcome.
    matched: result.matched,
    ...(rollbackMs !== undefined && { rollbackMs }),
    deploymentMs: Math.round(d.finishedAtMs - d.startedAtMs),
    ...(waitNote && { waitNote }),
  };
}
