import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository's own taskdef.json, the file flips edit. */
export const REPO_TASKDEF = path.resolve(__dirname, '../../../taskdef.json');

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The FAULTS value of the service container in a task definition's text. */
export function faultsOf(taskdefText: string): string | undefined {
  const doc = JSON.parse(taskdefText) as {
    containerDefinitions: { environment: { name: string; value: string }[] }[];
  };
  return doc.containerDefinitions[0]?.environment.find((e) => e.name === 'FAULTS')?.value;
}

export interface TempRepo {
  readonly dir: string;
  readonly remote: string;
  readonly taskdef: string;
  remove(): void;
}

/**
 * A git repository in a temp folder holding a copy of taskdef.json on branch main, committed, with a bare
 * repository as its `origin` so pushes work offline.
 */
export function tempRepo(): TempRepo {
  const root = mkdtempSync(path.join(tmpdir(), 'rehearse-'));
  const dir = path.join(root, 'work');
  const remote = path.join(root, 'origin.git');
  git(root, 'init', '--quiet', '--bare', '--initial-branch=main', remote);
  git(root, 'init', '--quiet', '--initial-branch=main', dir);
  git(dir, 'config', 'user.email', 'drill@example.com');
  git(dir, 'config', 'user.name', 'Drill Test');
  git(dir, 'config', 'commit.gpgsign', 'false');
  const taskdef = path.join(dir, 'taskdef.json');
  copyFileSync(REPO_TASKDEF, taskdef);
  git(dir, 'add', 'taskdef.json');
  git(dir, 'commit', '--quiet', '-m', 'initial');
  git(dir, 'remote', 'add', 'origin', remote);
  git(dir, 'push', '--quiet', '-u', 'origin', 'main');
  return { dir, remote, taskdef, remove: () => rmSync(root, { recursive: true, force: true }) };
}
