import { readFileSync, rmSync, writeFileSync } from 'node:fs';

/*
 * A process a run started and recorded, found again by the next run after the first was killed with
 * SIGKILL (no handler ran to end it). A pid alone may have been reused since, so the process is ended only
 * when its command line still holds `mark`, a path that run made its own.
 */

/** Records `pid` in `pidFile` for {@link endLeftProcess}. */
export function recordProcess(pidFile: string, pid: number): void {
  writeFileSync(pidFile, `${pid}\n`);
}

/** The command line of `pid`, or undefined when it is gone (or this system has no /proc). */
function commandLine(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/**
 * Ends the process recorded in `pidFile` (its whole group when `group`), if it still runs and its command
 * line holds `mark`, and removes the file. Returns whether something was ended.
 */
export function endLeftProcess(pidFile: string, mark: string, group = false): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return false;
  }
  rmSync(pidFile, { force: true });
  if (!Number.isSafeInteger(pid) || pid <= 1 || !commandLine(pid)?.includes(mark)) return false;
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
