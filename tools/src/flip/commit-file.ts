import { gitOrThrow, type GitRunner } from '../git/run-git';

/** Commits one file alone (whatever else is staged stays out) and returns the new commit's hash. */
export async function commitFile(
  git: GitRunner,
  cwd: string,
  file: string,
  message: string,
): Promise<string> {
  await gitOrThrow(git, ['add', '--', file], cwd);
  await gitOrThrow(git, ['commit', '-m', message, '--', file], cwd);
  return (await gitOrThrow(git, ['rev-parse', 'HEAD'], cwd)).trim();
}

/** The commit message of a flip; names the faults so `git log` reads as a rehearsal journal. */
export function flipMessage(faults: string): string {
  return faults === ''
    ? 'rehearsal: clear FAULTS (restore normal releases)'
    : `rehearsal: flip FAULTS=${faults}`;
}
