import { existsSync, renameSync, rmSync, unlinkSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { takePidLock, type LockHolderWords } from '../process/pid-lock';
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

const REPORT_LOCK_WORDS: LockHolderWords = {
  holding: 'is writing its report there',
  hint: 'wait for it to end, or give another folder',
  place: 'give a folder you can write to',
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
    takePidLock(lockFile, pid, REPORT_LOCK_WORDS, refuse);
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
