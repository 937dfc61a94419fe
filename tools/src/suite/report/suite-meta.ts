import { controllersOf, mismatches, type SuiteRun } from '../plan/suite-run';

/** What a suite's reports say about the whole run. */
export interface SuiteMeta {
  readonly config: string;
  readonly timeScale: number;
  readonly parallel: number;
  /** Wall time of the whole suite, first start to last stop. */
  readonly wallMs: number;
}

/**
 * The suite's headline: every rehearsal matched, how many did not, or how many finished before an
 * interrupt; and on which controllers.
 */
export function suiteHeadline(runs: readonly SuiteRun[]): string {
  const controllers = controllersOf(runs);
  const on = controllers.length === 0 ? '' : ` on ${controllers.join(' and ')}`;
  const stopped = runs.filter((run) => run.state === 'interrupted').length;
  if (stopped > 0) return `interrupted: ${runs.length - stopped} of ${runs.length} rehearsals finished${on}`;
  const missed = mismatches(runs).length;
  return missed === 0
    ? `all ${runs.length} rehearsals matched the catalogue${on}`
    : `${missed} of ${runs.length} rehearsals did not match the catalogue${on}`;
}

/** The settings line under the headline. */
export function suiteSettingsLine(meta: SuiteMeta): string {
  return `${meta.config}, time scale ${meta.timeScale}, ${meta.parallel} at a time, wall time ${(meta.wallMs / 1000).toFixed(1)} s`;
}
