import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { WatchOutcome, WatchResult } from '../../aws/watch-deployment';
import type { NativeWatchResult } from '../../aws/watch-native';
import type { RehearsalEvent } from '../../experiment/rehearsal-event';

/** A deployment the drill followed to its end, with the moments the experiment journal needs. */
export interface FollowedRelease {
  readonly id: string;
  readonly outcome: WatchOutcome;
  /** What the watch saw, as the report records it. */
  readonly record: WatchResult | NativeWatchResult;
  /** The closing lines, as `watch` prints them. */
  readonly summary: string;
  /** What the watch saw, mapped once into the rehearsal record: milliseconds since `startedAt`. */
  events(startedAt: number): RehearsalEvent[];
}

export interface FollowOptions {
  readonly pollMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal?: AbortSignal;
  /** Each event as one line, as `watch` prints it. */
  readonly onLine: (line: string) => void;
  /** Called when the watch first sees the release held before production traffic (the gate). */
  readonly onHeld?: () => void;
}

/** How the drill finds and follows the pipeline's deployment, whichever controller runs it. */
export interface ReleaseFollower {
  readonly controller: DeploymentControllerName;
  /** The latest deployment's id (created at or after `since` when given). */
  latestId(since?: Date): Promise<string | undefined>;
  follow(id: string, options: FollowOptions): Promise<FollowedRelease>;
}
