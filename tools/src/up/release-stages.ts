import type { BuildRelease } from './release-push';
import type { UpRemote } from './run-up';
import { buildRelease } from './release/build-release';
import { openRehearsalRemote } from './release/rehearsal-remote';

/** The pipeline's first two stages for `up`: the rehearsal remote (Source) and the builder (Build). */
export interface ReleaseStages {
  readonly openRemote: (repoRoot: string, log: (line: string) => void) => Promise<UpRemote>;
  readonly build: BuildRelease;
}

/** The given stages (tests give fakes), else the rehearsal remote and the release builder. */
export function releaseStages(given: Partial<ReleaseStages>): ReleaseStages {
  return { openRemote: given.openRemote ?? openRehearsalRemote, build: given.build ?? buildRelease };
}
