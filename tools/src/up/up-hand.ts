import type { ControlAnswer, ControlVerb } from '../local/control/control-protocol';
import { listenForControl, type ControlServer } from '../local/control/control-server';
import type { HeldNotice } from '../local/rehearsal/hand-control';
import type { LocalEnvironment } from './environment/local-environment';
import type { ReleaseLog } from './release-log';
import { redeploy, releasePush, type ReleaseContext, type ReleaseSummary } from './release-push';
import type { BuiltRelease, PushedCommit } from './release/types';
import type { GateSettings } from '../local/controllers/hold-gate';
import type { TrackTask } from '../local/ecs/task-process';
import type { BuildRelease } from './release-push';

/** What releasing a queue entry needs of `up`'s options (`UpOptions` describes each). */
export interface UpReleaseOptions {
  readonly repoRoot: string;
  readonly toolsRoot?: string;
  readonly container: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly track?: TrackTask;
  readonly signal: AbortSignal;
  readonly build: BuildRelease;
  readonly say: (line: string) => void;
  readonly now?: () => number;
  readonly gateFor?: (built: BuiltRelease) => GateSettings | undefined;
  readonly onHeld?: (release: number, notice: HeldNotice) => void;
  readonly trackExit?: (end: () => void) => () => void;
}

/** A release that ended serving production, which `undo --local` can go back to. */
export interface Served {
  readonly number: number;
  readonly built: BuiltRelease;
}

/** One entry of `up`'s queue: a push to release, or an undo that releases `to` again in place of `from`. */
export interface Waiting {
  readonly push: PushedCommit;
  readonly log: ReleaseLog;
  readonly undo?: { readonly to: Served; readonly from: Served };
}

/**
 * Listens for `rollback --local`, `continue --local` and `undo --local` while `up` runs: the first two
 * reach the deployment under way as in `local`, `undo` goes to `undo`. An `up` that cannot listen (a
 * `local` in the same repository holds the channel) goes on without it and says so.
 */
export async function listenInUp(
  options: Pick<UpReleaseOptions, 'repoRoot' | 'say' | 'trackExit'>,
  environment: LocalEnvironment,
  undo: () => ControlAnswer,
): Promise<ControlServer | undefined> {
  const handle = (verb: ControlVerb): ControlAnswer | Promise<ControlAnswer> => {
    if (verb === 'undo') return undo();
    const hand = environment.hand;
    if (hand === undefined)
      return {
        ok: false,
        message: `No deployment in progress in \`up\`: ${verb === 'rollback' ? 'nothing to stop' : 'nothing is held'}.`,
      };
    return hand[verb]();
  };
  try {
    return await listenForControl({
      root: options.repoRoot,
      handle,
      ...(options.trackExit && { track: options.trackExit }),
    });
  } catch (error) {
    options.say(
      `no rollback, continue or undo --local for this up: ${error instanceof Error ? error.message : String(error)}`,
    );
    return undefined;
  }
}

/**
 * What an undo goes back to: the successful release before the one that serves. Refused while a release
 * runs or waits (that one is for `rollback --local`) and when fewer than two releases have served.
 */
export function planUndo(
  busy: number | undefined,
  waiting: readonly Waiting[],
  served: readonly Served[],
): { readonly refusal: ControlAnswer } | { readonly to: Served; readonly from: Served } {
  const running = busy ?? waiting[0]?.log.number;
  if (running !== undefined)
    return {
      refusal: {
        ok: false,
        message: `Release ${running} is in progress: undo goes back after a completed release only; to stop this one, use npm run rehearse -- rollback --local.`,
      },
    };
  const from = served.at(-1);
  const to = served.at(-2);
  if (from === undefined || to === undefined)
    return {
      refusal: {
        ok: false,
        message: `Nothing to go back to: ${from === undefined ? 'no release serves yet' : `release ${from.number} is the only one that served production`}.`,
      },
    };
  return { to, from };
}

/** The undo's answer: what it goes back to, and that main still holds the commit it undid. */
export function undoAnswer(number: number, to: Served, from: Served, remoteName: string): string {
  const sha = from.built.commit;
  return [
    `Undo: release ${number} releases release ${to.number} again (task definition revision ${to.number}, commit ${to.built.commit.slice(0, 12)}) in place of release ${from.number} (commit ${sha.slice(0, 12)}); follow it with npm run rehearse -- watch --local.`,
    `main still holds ${sha.slice(0, 12)}: the next push releases it again unless you revert it: git revert ${sha} && git push ${remoteName} HEAD:main`,
  ].join('\n');
}

/**
 * Releases the queue's next entry (a push through Source, Build and Deploy, or an undo's redeploy) and
 * keeps `served` up to date: a success is added; an undo's success takes off the release it undid, so a
 * second undo goes back one further.
 */
export async function releaseNext(
  next: Waiting,
  options: UpReleaseOptions,
  environment: LocalEnvironment,
  served: Served[],
): Promise<ReleaseSummary> {
  const prefix = `#${next.log.number} `;
  let built: BuiltRelease | undefined = next.undo?.to.built;
  const ctx: ReleaseContext = {
    repoRoot: options.repoRoot,
    toolsRoot: options.toolsRoot ?? options.repoRoot,
    container: options.container,
    env: options.env,
    ...(options.track && { track: options.track }),
    environment,
    build: async (push, o) => (built = await options.build(push, o)),
    say: (line) => options.say(`${prefix}${line}`),
    signal: options.signal,
    now: options.now ?? Date.now,
    ...(options.gateFor && { gateFor: options.gateFor }),
    ...(options.onHeld && {
      onHeld: (notice: HeldNotice) => options.onHeld?.(next.log.number, notice),
    }),
  };
  const summary = next.undo
    ? await redeploy(next.undo.to.built, next.log, ctx)
    : await releasePush(next.push, next.log, ctx);
  if ((summary.verdict === 'created' || summary.verdict === 'succeeded') && built !== undefined) {
    if (next.undo) served.pop();
    else served.push({ number: summary.number, built });
  }
  return summary;
}
