import type { DeploymentConfig } from '../../../contract/deployment-configs';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { RehearsalEvent } from '../experiment/rehearsal-event';
import type { TrackTask } from '../local/ecs/task-process';
import type { ProgressSnapshot } from '../local/result/rehearsal-result';
import { LocalEnvironment } from './environment/local-environment';
import { lastReleaseNumber, ReleaseLog } from './release-log';
import type { BuildRelease, ReleaseSummary } from './release-push';
import type { BuiltRelease, PushedCommit } from './release/types';
import type { GateSettings } from '../local/controllers/hold-gate';
import type { HeldNotice } from '../local/rehearsal/hand-control';
import type { ControlAnswer } from '../local/control/control-protocol';
import { listenInUp, planUndo, releaseNext, undoAnswer, type Served, type Waiting } from './up-hand';

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

/** What `up` did, for its closing summary. */
export interface UpSummary {
  readonly releases: readonly ReleaseSummary[];
  /** Pushes received but never released because `up` stopped first. */
  readonly notReleased: readonly PushedCommit[];
}

const NOT_RELEASED = '`up` stopped before this push was released';

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
  let remote: UpRemote | undefined;
  let undo: (() => ControlAnswer) | undefined;
  const control = await listenInUp(
    options,
    environment,
    () => undo?.() ?? { ok: false, message: '`up` is still starting: try again in a moment.' },
  );
  try {
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
      const plan = planUndo(busy, waiting, served);
      if ('refusal' in plan) return plan.refusal;
      number += 1;
      const push = { commit: plan.to.built.commit, before: plan.from.built.commit, receivedAt: now() };
      const log = new ReleaseLog(options.repoRoot, number, push.commit, now);
      log.add({ type: 'release', number, commit: push.commit, controller: options.controller });
      waiting.push({ push, log, undo: plan });
      wake?.();
      options.say(`release ${number} undoes release ${plan.from.number}: back to release ${plan.to.number}`);
      return { ok: true, message: undoAnswer(number, plan.to, plan.from, remote?.remoteName ?? 'rehearsal') };
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
      releases.push(await releaseNext(next, options, environment, served));
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
  for (const { log } of waiting) log.add({ type: 'verdict', verdict: 'interrupted', detail: NOT_RELEASED });
  return { releases, notReleased: waiting.map((w) => w.push) };
}
