import type { SuiteRun } from '../plan/suite-run';

/** The scorecard's columns, in order. */
export const SCORECARD_COLUMNS = [
  'fault',
  'expected',
  'outcome',
  'matched',
  'decided by',
  'modelled: decided by',
  'detection (AWS s)',
  'modelled (AWS s)',
  'requests',
  'failed',
] as const;

/** What decided a rehearsal, in the rehearsal model's words, or why nothing did. */
export function decidedBy(run: SuiteRun): string {
  if (run.state === 'interrupted') return 'interrupted';
  if (run.state === 'failed') return 'the rehearsal failed';
  const r = run.result;
  if (r.decidedBy !== undefined) return r.decidedBy;
  if (r.deployment.trigger === 'ready-timeout') return 'green never ready (local cap)';
  return 'every step passed';
}

/** What the model says decides on AWS, or `-` when nothing rolls back. */
export function modelledSignal(run: SuiteRun): string {
  return (run.state === 'done' && run.result.modelledAws?.decidedBy) || '-';
}

/** The modelled AWS worst case for a run's faults: seconds to the rollback trigger, or `-` when none. */
export function modelledCell(run: SuiteRun): string {
  const m = run.state === 'done' ? run.result.modelledAws : undefined;
  if (m === undefined) return '-';
  return m.seconds === undefined ? `${m.outcome}` : `${m.seconds} s`;
}

/** A run's outcome cell: what it ended as, or why it has no result. */
export function outcomeCell(run: SuiteRun): string {
  if (run.state === 'done') return run.result.outcome;
  return run.state === 'failed' ? `error: ${run.error}` : 'interrupted';
}

/** A run's detection, in AWS seconds from green running, or `-` when nothing was detected. */
export function detectionCell(run: SuiteRun): string {
  const seconds = run.state === 'done' ? run.result.detectedAwsSeconds : undefined;
  return seconds === undefined ? '-' : `${Math.round(seconds)} s`;
}

/** One scorecard row per run, cells as text, in {@link SCORECARD_COLUMNS} order. */
export function scorecardRows(runs: readonly SuiteRun[]): string[][] {
  return runs.map((run) => {
    if (run.state !== 'done') {
      return [
        run.entry.label,
        '',
        outcomeCell(run),
        'NO',
        decidedBy(run),
        modelledSignal(run),
        '-',
        '-',
        '-',
        '-',
      ];
    }
    const r = run.result;
    return [
      run.entry.label,
      r.expected.outcome,
      outcomeCell(run),
      r.matched ? 'yes' : 'NO',
      decidedBy(run),
      modelledSignal(run),
      detectionCell(run),
      modelledCell(run),
      String(r.load.requests),
      String(r.load.failed),
    ];
  });
}
