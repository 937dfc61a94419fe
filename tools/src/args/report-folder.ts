import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from './parse-command-args';

/** The files a rehearsal's report consists of: `local` writes the first three, `suite` the last two too. */
export const REPORT_FILES: readonly string[] = [
  'report.md',
  'report.json',
  'report.html',
  'index.html',
  'summary.md',
];

/** What a claim needs from the command: whether it may write over a report, and how to clean up on exit. */
export interface ReportFolderOptions {
  /** Write over a report the folder already holds (the `--replace` flag). */
  readonly replace: boolean;
  /** Registers a synchronous clean-up that runs however the process ends (the supervisor's `track`). */
  readonly track?: (end: () => void) => () => void;
  /** @default process.pid */
  readonly pid?: number;
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** True when `dir` holds only report files and folders of them (a suite's one folder per rehearsal). */
async function holdsOnlyReports(dir: string, depth = 0): Promise<{ only: boolean; any: boolean }> {
  let any = false;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isFile() && REPORT_FILES.includes(entry.name)) {
      any = true;
    } else if (entry.isDirectory() && depth === 0) {
      const inner = await holdsOnlyReports(path.join(dir, entry.name), 1);
      if (!inner.only) return { only: false, any };
      any ||= inner.any;
    } else {
      return { only: false, any };
    }
  }
  return { only: true, any };
}

/**
 * The folder a command writes its report into, claimed before any work whose result would go there.
 *
 * - A folder that already holds a report is refused unless `replace` is given; a folder that holds anything
 *   else (`--report .`, `--report docs`) is always refused: the report replaces the folder as a whole.
 * - Two commands writing the same folder at once are refused: the first holds `DIR.lock` (beside the folder,
 *   with its pid) until it ends; a lock whose process is gone is taken over by one run only, the one that
 *   creates `DIR.lock.takeover` (see `removeStaleLock`).
 * - The report is written into `DIR.partial-PID` beside it and then renamed into place, so a command
 *   interrupted while writing leaves the previous report as it was, never half of each.
 * The lock and the partial folder are removed however the process ends.
 */
export class ReportFolder {
  private released = false;
  /** The previous report while it is being swapped out; release finishes or undoes the swap. */
  private previous: string | undefined;
  private readonly untrack: (() => void) | undefined;

  private constructor(
    readonly dir: string,
    private readonly lockFile: string,
    private readonly staging: string,
    options: ReportFolderOptions,
  ) {
    this.untrack = options.track?.(() => this.release());
  }

  /** Checks `dir` (usage errors name `flag`), takes its lock, and returns the claim. */
  static async claim(dir: string, flag: string, options: ReportFolderOptions): Promise<ReportFolder> {
    const pid = options.pid ?? process.pid;
    const refuse = (problem: string): never => {
      throw new UsageError(`${flag} ${dir}: ${problem}`, flag);
    };
    const parent = path.dirname(dir);
    await mkdir(parent, { recursive: true }).catch((error: NodeJS.ErrnoException) =>
      refuse(`cannot write there (${error.code ?? error.message}); give a folder you can write to`),
    );
    const existing = await lstat(dir).catch(() => undefined);
    if (existing !== undefined) {
      if (!existing.isDirectory()) refuse('is a file, not a folder');
      const { only, any } = await holdsOnlyReports(dir).catch((error: NodeJS.ErrnoException) =>
        refuse(`cannot read it (${error.code ?? error.message})`),
      );
      if (!only) refuse('holds files that are not a report; give a new or empty folder');
      if (any && !options.replace)
        refuse('already holds a report; give a new folder, or add --replace to write over it');
    }
    const lockFile = `${dir}.lock`;
    takeLock(lockFile, pid, refuse);
    return new ReportFolder(dir, lockFile, `${dir}.partial-${pid}`, options);
  }

  /**
   * Runs `fill` on an empty staging folder, then puts what it wrote in place of the folder's previous
   * content. Returns the paths `fill` returned, moved to the folder.
   */
  async write(fill: (staging: string) => Promise<string[]>): Promise<string[]> {
    await rm(this.staging, { recursive: true, force: true });
    await mkdir(this.staging, { recursive: true });
    const written = await fill(this.staging);
    const previous = `${this.dir}.previous-${path.basename(this.staging)}`;
    this.previous = previous;
    const hadPrevious = await rename(this.dir, previous).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false;
        throw error;
      },
    );
    await rename(this.staging, this.dir);
    if (hadPrevious) await rm(previous, { recursive: true, force: true });
    this.previous = undefined;
    return written.map((file) => path.join(this.dir, path.relative(this.staging, file)));
  }

  /** Removes the staging folder and the lock; synchronous, so it also runs from an exit handler. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.untrack?.();
    rmSync(this.staging, { recursive: true, force: true });
    // Ended in the middle of the swap (a second Ctrl-C): keep whichever report is whole in the folder.
    if (this.previous !== undefined && existsSync(this.previous)) {
      if (existsSync(this.dir)) rmSync(this.previous, { recursive: true, force: true });
      else renameSync(this.previous, this.dir);
    }
    try {
      unlinkSync(this.lockFile);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

/** The text of a lock (or takeover marker), or undefined when it is gone. */
function readLock(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Whether a lock's text names a run still going; an empty one was just created and holds no pid yet. */
function heldBy(text: string): boolean {
  const holder = Number.parseInt(text, 10);
  return text === '' || (Number.isSafeInteger(holder) && holder > 0 && isAlive(holder));
}

/** Creates `file` holding `pid` if no such file exists; false when one does. */
function createWithPid(file: string, pid: number, refuse: (problem: string) => never): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    return refuse(`cannot write there (${code ?? String(error)}); give a folder you can write to`);
  }
  writeSync(fd, `${pid}\n`);
  closeSync(fd);
  return true;
}

function takeLock(lockFile: string, pid: number, refuse: (problem: string) => never): void {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createWithPid(lockFile, pid, refuse)) return;
    const text = readLock(lockFile);
    // Released between the two calls: try again.
    if (text === undefined) continue;
    if (heldBy(text)) {
      return refuse(
        `another rehearsal (pid ${text || '?'}) is writing its report there; wait for it to end, or give another folder`,
      );
    }
    // The process that held it is gone (killed with SIGKILL, say): the lock is stale.
    removeStaleLock(lockFile, text, pid, refuse);
  }
  refuse(`cannot take ${path.basename(lockFile)} beside it; remove that file if no rehearsal is running`);
}

/**
 * Removes the stale lock holding `staleText`, unless another run took it over first. Only the run that
 * creates `LOCK.takeover` may remove the lock: two runs that read the same stale pid would otherwise both
 * remove "the" lock, the later removing the one the earlier had just taken, and both write the folder.
 */
function removeStaleLock(
  lockFile: string,
  staleText: string,
  pid: number,
  refuse: (problem: string) => never,
): void {
  const marker = `${lockFile}.takeover`;
  if (!createWithPid(marker, pid, refuse)) {
    const taker = readLock(marker);
    if (taker === undefined) return;
    if (heldBy(taker)) {
      refuse(
        `another rehearsal (pid ${taker || '?'}) is taking over ${path.basename(lockFile)}; wait for it to end, or give another folder`,
      );
    }
    // A run killed in the moment between taking the marker and removing it: no rule tells whether a
    // third run is removing it just now, so a person decides.
    refuse(
      `${path.basename(marker)} was left by a run that ended (pid ${taker}); remove it and ${path.basename(lockFile)} if no rehearsal is running`,
    );
  }
  try {
    // While this run holds the marker no other run removes the lock: the lock read here is the one removed.
    if (readLock(lockFile) === staleText) rmSync(lockFile, { force: true });
  } finally {
    rmSync(marker, { force: true });
  }
}

/**
 * Runs `work` with the folder `dir` claimed (or with none when `dir` is undefined), and releases the claim
 * however `work` ends.
 */
export async function withReportFolder<T>(
  dir: string | undefined,
  flag: string,
  options: ReportFolderOptions,
  work: (folder: ReportFolder | undefined) => Promise<T>,
): Promise<T> {
  const folder = dir === undefined ? undefined : await ReportFolder.claim(dir, flag, options);
  try {
    return await work(folder);
  } finally {
    folder?.release();
  }
}
