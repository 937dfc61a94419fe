import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describeSkipped, skippedCommit } from '../../src/codepipeline/trigger-check';
import { runGit } from '../../src/git/run-git';
import { git, tempRepo, type TempRepo } from '../helpers/temp-repo';

describe("the push trigger's file filter, read from a commit", () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = tempRepo();
  });
  afterEach(() => repo.remove());

  function commit(files: Record<string, string>): string {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repo.dir, file)), { recursive: true });
      writeFileSync(path.join(repo.dir, file), text);
      git(repo.dir, 'add', file);
    }
    git(repo.dir, 'commit', '--quiet', '-m', 'change');
    return git(repo.dir, 'rev-parse', 'HEAD');
  }

  it('skips a commit that changes documentation only, naming its files', async () => {
    const sha = commit({ 'README.md': '# notes\n', 'docs/runbook.md': 'steps\n' });

    const skipped = await skippedCommit(runGit, repo.dir, sha);

    expect(skipped).toEqual({ commit: sha, files: ['README.md', 'docs/runbook.md'] });
    expect(describeSkipped(skipped!)).toMatch(
      /changes only README.md, docs\/runbook.md, which the pipeline's trigger excludes \(\*\.md, /,
    );
  });

  it('releases a commit that changes the task definition as well', async () => {
    const sha = commit({ 'README.md': '# notes\n', 'taskdef.json': '{}\n' });

    expect(await skippedCommit(runGit, repo.dir, sha)).toBeUndefined();
  });

  it('leaves the decision to the pipeline for a commit git here does not know', async () => {
    expect(await skippedCommit(runGit, repo.dir, 'f'.repeat(40))).toBeUndefined();
  });
});
