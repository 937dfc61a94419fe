import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { RehearsalEvent } from '../experiment/rehearsal-event';
import { UP_STATE_FOLDER } from './instance-lock';

/** Where `up` keeps one folder per release, and the `current` file naming the latest. */
export const RELEASES_FOLDER = path.join(UP_STATE_FOLDER, 'releases');
const EVENTS_FILE = 'events.jsonl';
const CURRENT_FILE = 'current';

/** A pipeline stage of a local release, named as CodePipeline names the release pipeline's actions. */
export type StageName = 'Source' | 'Build' | 'Deploy';

/** How a local release ended: the deployment's outcome, or why nothing was deployed. */
export type ReleaseVerdict = 'created' | 'succeeded' | 'rolled-back' | 'failed' | 'skipped' | 'interrupted';

/**
 * One line of a release's `events.jsonl`: what `up` publishes so that `watch --local`, in another process,
 * follows the release as `watch --commit` follows a pipeline execution and its deployment.
 */
export type ReleaseLogEvent = { readonly at: number } & (
  | {
      readonly type: 'release';
      readonly number: number;
      readonly commit: string;
      readonly controller: DeploymentControllerName;
    }
  | { readonly type: 'queued'; readonly behind: number }
  | {
      readonly type: 'stage';
      readonly stage: StageName;
      readonly status: 'InProgress' | 'Succeeded' | 'Failed';
      readonly summary?: string;
    }
  | { readonly type: 'deployment'; readonly event: RehearsalEvent }
  | { readonly type: 'verdict'; readonly verdict: ReleaseVerdict; readonly detail: string }
);

/** Distributes Omit over the union's members. */
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

/** The folder of release `number` of `commit`: `<n>-<first 12 digits>`. */
export const releaseFolderName = (number: number, commit: string): string =>
  `${number}-${commit.slice(0, 12)}`;

/** Appends one release's events to its `events.jsonl`, each as one JSON line, and names it `current`. */
export class ReleaseLog {
  readonly dir: string;
  private readonly file: string;

  constructor(
    repoRoot: string,
    readonly number: number,
    readonly commit: string,
    private readonly now: () => number = Date.now,
  ) {
    const releases = path.join(repoRoot, RELEASES_FOLDER);
    this.dir = path.join(releases, releaseFolderName(number, commit));
    this.file = path.join(this.dir, EVENTS_FILE);
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(this.file, '');
    // Written whole, then renamed: a reader never sees half a name.
    const pointer = path.join(releases, CURRENT_FILE);
    writeFileSync(`${pointer}.tmp`, `${releaseFolderName(number, commit)}\n`);
    renameSync(`${pointer}.tmp`, pointer);
  }

  add(event: WithoutAt<ReleaseLogEvent>): void {
    appendFileSync(this.file, `${JSON.stringify({ at: this.now(), ...event })}\n`);
  }
}

/** The folder `current` names, or undefined before the first release. */
export function currentRelease(repoRoot: string): string | undefined {
  try {
    const name = readFileSync(path.join(repoRoot, RELEASES_FOLDER, CURRENT_FILE), 'utf8').trim();
    return name === '' ? undefined : name;
  } catch {
    return undefined;
  }
}

/** The highest release number under `.rehearsal/releases/` (0 when none): a new `up` numbers on from it. */
export function lastReleaseNumber(repoRoot: string): number {
  const dir = path.join(repoRoot, RELEASES_FOLDER);
  if (!existsSync(dir)) return 0;
  return Math.max(0, ...readdirSync(dir).map((name) => Number(/^(\d+)-/.exec(name)?.[1] ?? 0)));
}

/** The newest release folder of a commit (a full id or a prefix of one), or undefined. */
export function releaseOfCommit(repoRoot: string, commit: string): string | undefined {
  const dir = path.join(repoRoot, RELEASES_FOLDER);
  if (!existsSync(dir)) return undefined;
  const wanted = commit.toLowerCase().slice(0, 12);
  return readdirSync(dir)
    .map((name) => /^(\d+)-([0-9a-f]+)$/.exec(name))
    .filter((m): m is RegExpExecArray => m !== null && m[2]!.startsWith(wanted))
    .sort((a, b) => Number(b[1]) - Number(a[1]))[0]?.[0];
}

/** Reads a release's events from `offset` bytes on: the complete lines, and where the next read starts. */
export function readReleaseEvents(
  repoRoot: string,
  folder: string,
  offset: number,
): { events: ReleaseLogEvent[]; next: number } {
  let text: string;
  try {
    text = readFileSync(path.join(repoRoot, RELEASES_FOLDER, folder, EVENTS_FILE))
      .subarray(offset)
      .toString('utf8');
  } catch {
    return { events: [], next: offset };
  }
  const end = text.lastIndexOf('\n') + 1;
  const events = text
    .slice(0, end)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as ReleaseLogEvent);
  return { events, next: offset + Buffer.byteLength(text.slice(0, end)) };
}
