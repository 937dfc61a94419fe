import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';

export const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** The FAULTS value of the service container in a task definition's text. */
export { faultsIn as faultsOf } from '../../../contract/test/support/taskdef-fixture';

export interface TempRepo {
  readonly dir: string;
  readonly remote: string;
  readonly taskdef: string;
  remove(): void;
}

/**
 * A git repository in a temp folder holding the repository's taskdef.json with no fault on branch main,
 * committed, with a bare repository as its `origin` so pushes work offline.
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
  writeFileSync(taskdef, taskdefWithFaults(''));
  git(dir, 'add', 'taskdef.json');
  git(dir, 'commit', '--quiet', '-m', 'initial');
  git(dir, 'remote', 'add', 'origin', remote);
  git(dir, 'push', '--quiet', '-u', 'origin', 'main');
  return { dir, remote, taskdef, remove: () => rmSync(root, { recursive: true, force: true }) };
}
