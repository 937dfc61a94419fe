import type { BuildRelease } from './release-push';
import type { UpRemote } from './run-up';

/** The pipeline's first two stages for `up`: the rehearsal remote (Source) and the builder (Build). */
export interface ReleaseStages {
  readonly openRemote: (repoRoot: string, log: (line: string) => void) => Promise<UpRemote>;
  readonly build: BuildRelease;
}

const notYet = (): never => {
  throw new Error('the rehearsal remote and builder (tools/src/up/release/) are not in this build');
};

/** The given stages, else the rehearsal remote and the release builder of tools/src/up/release/. */
export function releaseStages(given: Partial<ReleaseStages>): ReleaseStages {
  return { openRemote: given.openRemote ?? notYet, build: given.build ?? notYet };
}
