import type { DeploymentConfig } from '../../../contract/deployment-configs';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { RehearsalEvent } from '../experiment/rehearsal-event';
import type { TrackTask } from '../local/ecs/task-process';
import type { ProgressSnapshot } from '../local/result/rehearsal-result';
import { LocalEnvironment } from './environment/local-environment';
import { lastReleaseNumber, ReleaseLog } from './release-log';
import {
  redeploy,
  releasePush,
  type BuildRelease,
  type ReleaseContext,
  type ReleaseSummary,
} from './release-push';
import type { BuiltRelease, PushedCommit } from './release/types';
import type { GateSettings } from '../local/controllers/hold-gate';
import type { HeldNotice } from '../local/rehearsal/hand-control';
import type { ControlAnswer, ControlVerb } from '../local/control/control-protocol';
import { listenForControl, type ControlServer } from '../local/control/control-server';

/** The rehearsal remote as `up` uses it (see `openRehearsalRemote`). */
export interface UpRemote {
  readonly url: string;
  readonly remoteName: string;
  pushes(): AsyncIterable<PushedCommit>;
  pushHead(): Promise<PushedCommit>;
  close(): Promise<void>;
}

export interface UpOptions {
  readonly repoRoot: string;
  /** The repository whose compiled tools start the tasks. @default repoRoot */
  readonly toolsRoot?: string;
  readonly port: number;
  readonly controller: DeploymentControllerName;
  readonly config: DeploymentConfig;
  readonly timeScale: number;
  readonly rate: number;
  readonly container: boolean;
  readonly env: NodeJS.ProcessEnv;
  readonly track?: TrackTask;
  /** Aborted by Ctrl-C or `down`: the release under way rolls back, then everything stops. */
  readonly signal: AbortSignal;
  readonly openRemote: (repoRoot: string, log: (line: string) => void) => Promise<UpRemote>;
  readonly build: BuildRelease;
  /** One live line: up's own, a stage's, or a deployment event's. */
  readonly say: (line: string) => void;
  /** A deployment event, as the record writes it (for live lines in the rehearsal's format). */
  readonly onEvent: (release: number, event: RehearsalEvent) => void;
  /** The state of the release under way, four times a second. */
  readonly onProgress?: (snapshot: ProgressSnapshot) => void;
  readonly now?: () => number;
  /** Called once both listeners and the remote are ready, with what to tell the person. */
  readonly onReady?: (ready: {
    production: string;
    test: string;
    remoteUrl: string;
    remoteName: string;
  }) => void;
  /** Hands out task ports. @default freePort */
  readonly allocatePort?: () => Promise<number>;
  /** The gate of a built release (its deploy settings, or `up`'s flags); none when absent. */
  readonly gateFor?: (built: BuiltRelease) => GateSettings | undefined;
  /** Called when a release holds at its gate. */
  readonly onHeld?: (release: number, notice: HeldNotice) => void;
  /** Registers a synchronous clean-up for however the process ends (the control socket's). */
  readonly trackExit?: (end: () => void) => () => void;
}

/** A release that ended serving production, which `undo --local` can go back to. */
interface Served {
  readonly number: number;
  readonly built: BuiltRelease;
}

/** One entry of the queue: a push to release, or an undo that releases `to` again in place of `from`. */
interface Waiting {
  readonly push: PushedCommit;
  readonly log: ReleaseLog;
  readonly undo?: { readonly to: Served; readonly from: Served };
}

/** What `up` did, for its closing summary. */
export interface UpSummary {
  readonly releases: readonly ReleaseSummary[];
  /** Pushes received but never released because `up` stopped first. */
  readonly notReleased: readonly PushedCommit[];
}

/**
 * Runs the long-lived local environment: the listeners, the rehearsal remote, and one release per push to
 * main, in the order git received them (HEAD first, as blue), one at a time, until `signal` aborts. The
 * environment (listeners, tasks) is stopped before it resolves; `LocalEnvironment.open` throws
 * `PortInUse` before anything else starts.
 */
export async function runUp(options: UpOptions): Promise<UpSummary> {
  const now = options.now ?? Date.now;
  let logOf: ReleaseLog | undefined;
  const environment = await LocalEnvironment.open({
    port: options.port,
    controller: options.controller,
    config: options.config,
    timeScale: options.timeScale,
    rate: options.rate,
    ...(options.allocatePort && { allocatePort: options.allocatePort }),
    onEvent: (event) => {
      logOf?.add({ type: 'deployment', event });
      options.onEvent(logOf?.number ?? 0, event);
    },
  });
  const progress = setInterval(() => {
    const snapshot = environment.snapshot();
    if (snapshot) options.onProgress?.(snapshot);
  }, 250);
  const releases: ReleaseSummary[] = [];
  const waiting: Waiting[] = [];
  /** Releases that served production, oldest first; an undo takes the last off again. */
  const served: Served[] = [];
  const builds = new Map<number, BuiltRelease>();
  let remote: UpRemote | undefined;
  let control: ControlServer | undefined;
  let undo: (() => ControlAnswer) | undefined;
  const handle = (verb: ControlVerb): ControlAnswer | Promise<ControlAnswer> => {
    if (verb === 'undo')
      return undo?.() ?? { ok: false, message: '`up` is still starting: try again in a moment.' };
    const hand = environment.hand;
    if (hand === undefined)
      return {
        ok: false,
        message: `No deployment in progress in \`up\`: ${verb === 'rollback' ? 'nothing to stop' : 'nothing is held'}.`,
      };
    return hand[verb]();
  };
  try {
    try {
      control = await listenForControl({
        root: options.repoRoot,
        handle,
        ...(options.trackExit && { track: options.trackExit }),
      });
    } catch (error) {
      options.say(
        `no rollback, continue or undo --local for this up: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    remote = await options.openRemote(options.repoRoot, options.say);
    options.onReady?.({ ...environment.urls, remoteUrl: remote.url, remoteName: remote.remoteName });
    // Folders of an earlier `up` stay: this one numbers on after them.
    let number = lastReleaseNumber(options.repoRoot);
    let wake: (() => void) | undefined;
    let busy: number | undefined;
    const receive = (push: PushedCommit): void => {
      number += 1;
      const log = new ReleaseLog(options.repoRoot, number, push.commit, now);
      log.add({ type: 'release', number, commit: push.commit, controller: options.controller });
      const behind = busy ?? waiting.at(-1)?.log.number;
      if (behind !== undefined) {
        log.add({ type: 'queued', behind });
        options.say(`release ${number} of ${push.commit.slice(0, 12)} queued behind release ${behind}`);
      } else options.say(`release ${number} of ${push.commit.slice(0, 12)} received`);
      waiting.push({ push, log });
      wake?.();
    };
    undo = (): ControlAnswer => {
      if (busy !== undefined || waiting.length > 0)
        return {
          ok: false,
          message: `Release ${busy ?? waiting[0]!.log.number} is in progress: undo goes back after a completed release only; to stop this one, use npm run rehearse -- rollback --local.`,
        };
      const from = served.at(-1);
      const to = served.at(-2);
      if (from === undefined || to === undefined)
        return {
          ok: false,
          message: `Nothing to go back to: ${from === undefined ? 'no release serves yet' : `release ${from.number} is the only one that served production`}.`,
        };
      number += 1;
      const push = { commit: to.built.commit, before: from.built.commit, receivedAt: now() };
      const log = new ReleaseLog(options.repoRoot, number, push.commit, now);
      log.add({ type: 'release', number, commit: push.commit, controller: options.controller });
      waiting.push({ push, log, undo: { to, from } });
      wake?.();
      const sha = from.built.commit;
      const message = [
        `Undo: release ${number} releases release ${to.number} again (task definition revision ${to.number}, commit ${to.built.commit.slice(0, 12)}) in place of release ${from.number} (commit ${sha.slice(0, 12)}); follow it with npm run rehearse -- watch --local.`,
        `main still holds ${sha.slice(0, 12)}: the next push releases it again unless you revert it: git revert ${sha} && git push ${remote?.remoteName ?? 'rehearsal'} HEAD:main`,
      ].join('\n');
      options.say(`release ${number} undoes release ${from.number}: back to release ${to.number}`);
      return { ok: true, message };
    };
    receive(await remote.pushHead());
    const reading = (async () => {
      for await (const push of remote.pushes()) receive(push);
    })().catch((error: unknown) =>
      options.say(
        `the rehearsal remote stopped listening: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
    const aborted = new Promise<void>((resolve) => {
      if (options.signal.aborted) resolve();
      options.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    while (!options.signal.aborted) {
      const next = waiting.shift();
      if (next === undefined) {
        await Promise.race([new Promise<void>((resolve) => (wake = resolve)), aborted]);
        wake = undefined;
        continue;
      }
      busy = next.log.number;
      logOf = next.log;
      const prefix = `#${next.log.number} `;
      const ctx: ReleaseContext = {
        repoRoot: options.repoRoot,
        toolsRoot: options.toolsRoot ?? options.repoRoot,
        container: options.container,
        env: options.env,
        ...(options.track && { track: options.track }),
        environment,
        build: options.build,
        say: (line) => options.say(`${prefix}${line}`),
        signal: options.signal,
        now,
        ...(options.gateFor && { gateFor: options.gateFor }),
        ...(options.onHeld && {
          onHeld: (notice: HeldNotice) => options.onHeld?.(next.log.number, notice),
        }),
      };
      const build = options.build;
      const summary = next.undo
        ? await redeploy(next.undo.to.built, next.log, ctx)
        : await releasePush(next.push, next.log, {
            ...ctx,
            build: async (push, o) => {
              const built = await build(push, o);
              builds.set(next.log.number, built);
              return built;
            },
          });
      releases.push(summary);
      if (summary.verdict === 'created' || summary.verdict === 'succeeded') {
        // After an undo the release it undid no longer serves: a second undo goes back one further.
        if (next.undo) served.pop();
        else served.push({ number: summary.number, built: builds.get(summary.number)! });
      }
      logOf = undefined;
      busy = undefined;
    }
    await remote.close();
    await reading;
  } finally {
    await control?.close();
    clearInterval(progress);
    await remote?.close().catch(() => undefined);
    await environment.close();
  }
  for (const { log } of waiting)
    log.add({
      type: 'verdict',
      verdict: 'interrupted',
      detail: '`up` stopped before this push was released',
    });
  return { releases, notReleased: waiting.map((w) => w.push) };
}
