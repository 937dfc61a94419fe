/**
 * The rehearsal model's answers: for every fault (or a release's set of faults), the expected outcome, the
 * signal that decides it and the worst-case seconds from green tasks starting (RUNNING and registered in the
 * target group) to CodeDeploy being told to roll back. The faults are stated in `fault-model.ts`, the signal
 * paths and their assumptions in `signal-paths.ts`, the deployed timings in `timing-inputs.ts`.
 */
import { FAULT_NAMES, type ActiveFaults, type FaultName } from '../../contract/faults/catalogue';
import { formatFaultValue, parseFaultEntry } from '../../contract/faults/parse-faults';
import { FAULT_MODEL, type FaultModel, type FaultVerdict, type ReleaseOutcome } from './fault-model';
import {
  DEFAULT_ASSUMPTIONS,
  signalPaths,
  type DecidingSignal,
  type ObservationAssumptions,
} from './signal-paths';
import {
  defaultReleaseContext,
  timingInputsFor,
  timingInputsFromSettings,
  type ReleaseContext,
  type TimingInputs,
} from './timing-inputs';

export type { ReleaseOutcome } from './fault-model';
export { DEFAULT_ASSUMPTIONS, type DecidingSignal, type ObservationAssumptions } from './signal-paths';
export {
  defaultReleaseContext,
  timingInputsFor,
  timingInputsFromSettings,
  timingInputsFromTemplate,
  type ReleaseContext,
  type TimingInputs,
} from './timing-inputs';

/** The model's answer for one fault. */
export interface RollbackPrediction {
  readonly fault: FaultName;
  /** The value as `FAULTS` writes it after `name=`; `''` for a fault without a value. */
  readonly value: string;
  readonly outcome: ReleaseOutcome;
  /** Worst-case seconds from green tasks starting to the rollback trigger; undefined when nothing rolls back. */
  readonly seconds?: number;
  /** The earliest signal, the one that decides the rollback; undefined when nothing rolls back. */
  readonly decidedBy?: DecidingSignal;
  /** When the fault itself begins, for faults that start later than green (e.g. `crash-after`). */
  readonly onsetSeconds: number;
  /** The deciding signal and why, or why the release succeeds, in words. */
  readonly signal: string;
}

/**
 * What a release can do: succeed or roll back once it started, or never start because the native deploy
 * step's start check refused it (`core/weights`).
 */
export type ExpectedOutcome = ReleaseOutcome | 'refused';

/** What a release should do, and what tells CodeDeploy (or why it succeeds, or why it never starts). */
export interface ExpectedRelease {
  readonly outcome: ExpectedOutcome;
  readonly signal: string;
  /** The deciding signal, when the release rolls back. */
  readonly decidedBy?: DecidingSignal;
}

/**
 * CodeDeploy with an alarm already in ALARM at the deployment's start: its first alarm poll stops the
 * deployment, whatever the release holds, before green tasks run (hence 0 s from green starting). The
 * CodeDeploy User Guide's alarm page does not name the start of a deployment; a drill should confirm it.
 */
function codeDeployStopsAtStart(inputs: TimingInputs): FaultVerdict | undefined {
  if (inputs.controller !== 'codedeploy' || inputs.alarmAtStart === undefined) return undefined;
  return {
    outcome: 'rolled-back',
    decidedBy: inputs.alarmAtStart,
    seconds: 0,
    signal: `${inputs.alarmAtStart} (already in ALARM when the deployment started: CodeDeploy stops it at its first alarm poll, before green runs)`,
  };
}

/** The goal: every rollback fault triggers its rollback within this many seconds, worst case, on either controller. */
export const ROLLBACK_GOAL_SECONDS = 90;

/** The expected outcome of a fault, in words (the docs' faults table). */
export function expectedText(fault: FaultName): string {
  return FAULT_MODEL[fault].expectedText;
}

const defaultValue = (fault: FaultName) => parseFaultEntry(fault).value;

/** The model's answer for one fault at one parsed value. */
export function predictFault<K extends FaultName>(
  fault: K,
  value: NonNullable<ActiveFaults[K]>,
  inputs: TimingInputs = timingInputsFromSettings(),
  assumptions: ObservationAssumptions = DEFAULT_ASSUMPTIONS,
): RollbackPrediction {
  const verdict =
    codeDeployStopsAtStart(inputs) ??
    (FAULT_MODEL[fault] as FaultModel).predict(value, inputs, signalPaths(inputs, assumptions));
  return {
    fault,
    value: formatFaultValue(value),
    onsetSeconds: verdict.onsetSeconds ?? 0,
    ...verdict,
  };
}

/**
 * Predicts every catalogue fault, in catalogue order: at its value in `values` when given there, at the
 * catalogue default otherwise.
 */
export function predictRollbackTimes(
  inputs: TimingInputs,
  assumptions: ObservationAssumptions = DEFAULT_ASSUMPTIONS,
  values: ActiveFaults = {},
): RollbackPrediction[] {
  return FAULT_NAMES.map((fault) =>
    predictFault(fault, values[fault] ?? defaultValue(fault), inputs, assumptions),
  );
}

/**
 * The one rule for a set of faults: the prediction of the fault whose signal tells CodeDeploy first (ties
 * in catalogue order), or of the first fault in catalogue order when none rolls back. Undefined without
 * faults.
 */
export function decidingPrediction(
  active: ActiveFaults,
  inputs: TimingInputs = timingInputsFromSettings(),
  assumptions: ObservationAssumptions = DEFAULT_ASSUMPTIONS,
): RollbackPrediction | undefined {
  const predictions = FAULT_NAMES.flatMap((fault) => {
    const value = active[fault];
    return value === undefined ? [] : [predictFault(fault, value, inputs, assumptions)];
  });
  const rollbacks = predictions.filter((p) => p.outcome === 'rolled-back');
  if (rollbacks.length === 0) return predictions[0];
  return rollbacks.reduce((first, next) => (next.seconds! < first.seconds! ? next : first));
}

/**
 * A production rule reset to the target group with no task: the native deploy step's start check refuses
 * before `UpdateService`, whatever the release holds. CodeDeploy has no such rule (it rewrites the listener's
 * default action itself), so the setup does not exist there.
 */
function refusedAtStart(context: ReleaseContext): ExpectedRelease | undefined {
  if (!context.productionRuleReset) return undefined;
  if ((context.controller ?? 'codedeploy') !== 'ecs')
    throw new Error(
      'a reset production rule is a native ECS setup (aws-cdk issue 36649): CodeDeploy moves production by rewriting the listener itself',
    );
  return {
    outcome: 'refused',
    signal:
      "the native deploy step's start check: production reaches a target group with no healthy target, so no deployment starts",
  };
}

/**
 * The expected release for a set of active faults; no fault means a release that succeeds, a reset
 * production rule under native ECS one that never starts.
 */
export function expectedRelease(
  active: ActiveFaults,
  context: ReleaseContext = defaultReleaseContext(),
): ExpectedRelease {
  const refused = refusedAtStart(context);
  if (refused) return refused;
  const inputs = timingInputsFor(context);
  const deciding = decidingPrediction(active, inputs) ?? codeDeployStopsAtStart(inputs);
  if (deciding === undefined || deciding.outcome === 'succeeded')
    return { outcome: 'succeeded', signal: deciding?.signal ?? 'no fault that fails a release is active' };
  return { outcome: deciding.outcome, signal: deciding.signal, decidedBy: deciding.decidedBy };
}

/** The prediction as a fixed-width text table (`docs/rollback-times.md` and `drill` print it). */
export function formatRollbackTable(rows: readonly RollbackPrediction[]): string {
  const lines = rows.map((r) => [
    r.value === '' ? r.fault : `${r.fault}=${r.value}`,
    r.outcome,
    r.seconds === undefined ? '-' : String(r.seconds),
    r.decidedBy ?? '-',
    r.signal,
  ]);
  const header = ['fault', 'outcome', 'worst s', 'decided by', 'signal'];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
}
