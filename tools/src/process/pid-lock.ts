import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

/** How a refusal names what holds the lock: `another rehearsal (pid N) ${holding}; ${hint}`. */
export interface LockHolderWords {
  /** What the holder is doing, e.g. `is writing its report there`. */
  readonly holding: string;
  /** What the refused person can do, e.g. `wait for it to end, or give another folder`. */
  readonly hint: string;
  /** Where the person may write, in a refusal when the lock cannot be created. */
  readonly place: string;
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
function createWithPid(
  file: string,
  pid: number,
  words: LockHolderWords,
  refuse: (problem: string) => never,
): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    return refuse(`cannot write there (${code ?? String(error)}); ${words.place}`);
  }
  writeSync(fd, `${pid}\n`);
  closeSync(fd);
  return true;
}

/**
 * Creates `lockFile` holding `pid`, or calls `refuse` naming the live process that holds it. A lock whose
 * process is gone (killed with SIGKILL, say) is stale and taken over by one run only (see `removeStaleLock`).
 * The caller removes the lock when it ends.
 */
export function takePidLock(
  lockFile: string,
  pid: number,
  words: LockHolderWords,
  refuse: (problem: string) => never,
): void {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    if (createWithPid(lockFile, pid, words, refuse)) return;
    const text = readLock(lockFile);
    // Released between the two calls: try again.
    if (text === undefined) continue;
    if (heldBy(text)) {
      return refuse(`another rehearsal (pid ${text || '?'}) ${words.holding}; ${words.hint}`);
    }
    removeStaleLock(lockFile, text, pid, words, refuse);
  }
  refuse(`cannot take ${path.basename(lockFile)} beside it; remove that file if no rehearsal is running`);
}

/**
 * Removes the stale lock holding `staleText`, unless another run took it over first. Only the run that
 * creates `LOCK.takeover` may remove the lock: two runs that read the same stale pid would otherwise both
 * remove "the" lock, the later removing the one the earlier had just taken, and both go ahead.
 */
function removeStaleLock(
  lockFile: string,
  staleText: string,
  pid: number,
  words: LockHolderWords,
  refuse: (problem: string) => never,
): void {
  const marker = `${lockFile}.takeover`;
  if (!createWithPid(marker, pid, words, refuse)) {
    const taker = readLock(marker);
    if (taker === undefined) return;
    if (heldBy(taker)) {
      refuse(
        `another rehearsal (pid ${taker || '?'}) is taking over ${path.basename(lockFile)}; ${words.hint}`,
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
