import { DOCS_ONLY_PATHS, skippedByTrigger } from '../../../contract/release-trigger';
import type { GitRunner } from '../git/run-git';

/** A commit the push trigger's file filter skips, with the files it changes. */
export interface SkippedCommit {
  readonly commit: string;
  readonly files: readonly string[];
}

/**
 * Whether the pipeline's push trigger skips `commit`: every file it changes matches the trigger's excluded
 * paths, so CodePipeline starts no execution for it. Undefined when it releases, or when git here does not
 * know the commit (then only the pipeline can tell).
 */
export async function skippedCommit(
  git: GitRunner,
  cwd: string,
  commit: string,
): Promise<SkippedCommit | undefined> {
  // --root lists a repository's first commit against the empty tree instead of printing nothing.
  const result = await git(['diff-tree', '--no-commit-id', '--name-only', '-r', '--root', commit], cwd);
  if (result.code !== 0) return undefined;
  const files = result.stdout.split('\n').filter((line) => line !== '');
  return skippedByTrigger(files) ? { commit, files } : undefined;
}

/** The sentence that says why no release will start. */
export function describeSkipped(skipped: SkippedCommit): string {
  return `${skipped.commit.slice(0, 12)} changes only ${skipped.files.join(', ')}, which the pipeline's trigger excludes (${DOCS_ONLY_PATHS.join(', ')}): no execution starts for it. Change a file outside those paths and push again.`;
}
