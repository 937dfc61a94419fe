import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../args/parse-command-args';
import { gitOrThrow, type GitRunner } from '../git/run-git';

/** Lines of the file's own uncommitted diff shown when a commit is refused. */
const SHOWN_DIFF_LINES = 20;

/** Where a path really is: symlinks (a temp folder, a linked checkout) resolved as far as they exist. */
async function physical(file: string): Promise<string> {
  const dir = await realpath(path.dirname(file)).catch(() => path.dirname(file));
  return path.join(dir, path.basename(file));
}

/**
 * Checks, before anything is written, that committing `file` alone commits only the flip: the file is
 * inside the repository of `cwd` and tracked, with no uncommitted edit of its own (staged or not), which
 * a commit of the whole file would otherwise carry into "rehearsal: flip ...". Throws naming the problem
 * (and the other changes); a file outside the repository is a usage error of `--file`.
 */
export async function checkCommittable(git: GitRunner, cwd: string, file: string): Promise<void> {
  const top = (await gitOrThrow(git, ['rev-parse', '--show-toplevel'], cwd)).trim();
  const relative = path.relative(await physical(path.join(top, '.')), await physical(file));
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new UsageError(
      `--commit commits to the repository of the current directory (${top}), and ${file} is outside it; run flip from that file's repository, or drop --commit`,
      '--file',
    );
  }
  const status = (await gitOrThrow(git, ['status', '--porcelain', '--', relative], top)).trimEnd();
  if (status.startsWith('??')) {
    throw new Error(`${relative} is not tracked by git; commit it once yourself, then flip with --commit`);
  }
  if (status !== '') {
    const diff = (await gitOrThrow(git, ['diff', 'HEAD', '--', relative], top)).trimEnd().split('\n');
    const shown = diff.slice(0, SHOWN_DIFF_LINES).join('\n');
    throw new Error(
      `${relative} has uncommitted changes of its own, which --commit would carry into the flip's commit; nothing was written. Commit or stash them first:\n${shown}${diff.length > SHOWN_DIFF_LINES ? '\n...' : ''}`,
    );
  }
}

/**
 * Commits one tracked file alone (whatever else is staged stays out: `git commit -- file` commits that
 * path only) and returns the new commit's hash. Run {@link checkCommittable} before changing the file.
 */
export async function commitFile(
  git: GitRunner,
  cwd: string,
  file: string,
  message: string,
): Promise<string> {
  await gitOrThrow(git, ['commit', '-m', message, '--', file], cwd);
  return (await gitOrThrow(git, ['rev-parse', 'HEAD'], cwd)).trim();
}

/** The commit message of a flip; names the faults so `git log` reads as a rehearsal journal. */
export function flipMessage(faults: string): string {
  return faults === ''
    ? 'rehearsal: clear FAULTS (restore normal releases)'
    : `rehearsal: flip FAULTS=${faults}`;
}
