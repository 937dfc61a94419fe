import { EXIT } from '../args/exit-codes';
import { UsageError } from '../args/parse-command-args';
import { sleepUnlessAborted, type CliDeps } from '../cli-deps';
import { gitOrThrow, runGit } from '../git/run-git';
import { currentRelease, readReleaseEvents, releaseOfCommit } from './release-log';
import { runningUpPid } from './stop-up';
import { WatchWords } from './watch-words';

export interface WatchLocalOptions {
  readonly repoRoot: string;
  /** Follow this commit's newest release instead of the current or next one. */
  readonly commit?: string;
  readonly pollMs: number;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly signal: AbortSignal;
  /** Whether an `up` runs for the repository. @default its lock names a live process */
  readonly upRunning?: () => boolean;
}

const NO_UP = 'no `npm run rehearse -- up` is running for this repository: start it, then push';

/** Whether a release's events already hold its verdict. */
function ended(repoRoot: string, folder: string): boolean {
  return readReleaseEvents(repoRoot, folder, 0).events.some((e) => e.type === 'verdict');
}

/** The release to follow: the commit's, or the current one while it runs, else the next one `up` starts. */
async function releaseToFollow(o: WatchLocalOptions, upRunning: () => boolean): Promise<string | undefined> {
  const start = currentRelease(o.repoRoot);
  for (;;) {
    if (o.signal.aborted) return undefined;
    if (o.commit !== undefined) {
      const found = releaseOfCommit(o.repoRoot, o.commit);
      if (found !== undefined) return found;
    } else {
      const current = currentRelease(o.repoRoot);
      if (current !== undefined && (current !== start || !ended(o.repoRoot, current))) return current;
    }
    if (!upRunning()) return undefined;
    await o.sleep(o.pollMs, o.signal);
  }
}

/**
 * `watch --local`: follows a release of the local environment from the events `up` publishes, in the words
 * `watch` uses on AWS, and exits as `watch` does: 0 when it succeeded (or the first release serves), 1 when
 * it was rolled back, failed or skipped, 130 when interrupted.
 */
export async function watchLocal(o: WatchLocalOptions): Promise<number> {
  const upRunning = o.upRunning ?? ((): boolean => runningUpPid(o.repoRoot) !== undefined);
  const folder = await releaseToFollow(o, upRunning);
  if (o.signal.aborted) return EXIT.interrupted;
  if (folder === undefined) {
    o.err(
      o.commit === undefined
        ? `watch --local: ${NO_UP}`
        : `watch --local: no release of ${o.commit} and ${NO_UP.replace(/^no /, 'no ')}`,
    );
    return EXIT.failed;
  }
  o.err(`Following local release ${folder}`);
  const words = new WatchWords();
  let offset = 0;
  for (;;) {
    const read = readReleaseEvents(o.repoRoot, folder, offset);
    offset = read.next;
    for (const event of read.events) {
      for (const line of words.lines(event)) o.out(line);
      if (event.type === 'verdict') {
        const { text, code } = words.summary();
        o.out(text);
        return code;
      }
    }
    if (o.signal.aborted) return EXIT.interrupted;
    if (!upRunning() && read.events.length === 0 && !ended(o.repoRoot, folder)) {
      o.err(`watch --local: \`up\` stopped before release ${folder} ended`);
      return EXIT.failed;
    }
    await o.sleep(o.pollMs, o.signal);
  }
}

/** A local release's events are a file on this machine: read it often. */
const LOCAL_POLL_MS = 250;
/** `watch` flags that name something on AWS, which `--local` has no use for. */
const AWS_ONLY = [
  'deployment-id',
  'pipeline',
  'controller',
  'application',
  'deployment-group',
  'cluster',
  'service',
  'stack',
  'timeout',
];

/** `watch --local` as a command: AWS's flags are refused, Ctrl-C ends the watch with 130. */
export async function runWatchLocal(
  deps: CliDeps,
  values: Readonly<Record<string, string | boolean | undefined>>,
  pollMs: number,
): Promise<number> {
  const aws = Object.entries(values).find(([name, v]) => AWS_ONLY.includes(name) && v !== undefined);
  if (aws) throw new UsageError(`--${aws[0]} names something on AWS; --local follows \`up\``, '--local');
  if (values.json === true) throw new UsageError('--json is not available with --local', '--local');
  const abort = new AbortController();
  const removeInterrupt = deps.onInterrupt?.(() => abort.abort());
  try {
    const repoRoot = (
      await gitOrThrow(deps.git ?? runGit, ['rev-parse', '--show-toplevel'], deps.cwd)
    ).trim();
    return await watchLocal({
      repoRoot,
      ...(typeof values.commit === 'string' && { commit: values.commit }),
      pollMs: Math.min(pollMs, LOCAL_POLL_MS),
      out: (line) => void deps.stdout.write(`${line}\n`),
      err: (line) => void deps.stderr.write(`${line}\n`),
      sleep: deps.sleep ?? sleepUnlessAborted,
      signal: abort.signal,
    });
  } finally {
    removeInterrupt?.();
  }
}
