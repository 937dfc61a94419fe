/**
 * What starts a release: the pipeline's push trigger and the names of its stages and actions. The stack
 * writes them into the pipeline; the rehearsal tools read them to tell whether a commit starts a release
 * and which action of an execution failed.
 */

/**
 * Paths that hold documentation only: a push that changes nothing else starts no release. Markdown is
 * listed twice, at the root and below it, because in CodePipeline's globs a double star followed by a
 * slash needs at least one directory.
 */
export const DOCS_ONLY_PATHS: readonly string[] = ['*.md', '**/*.md', 'docs/**', 'LICENSE'];

/** Names of the stages and actions, as CodePipeline shows them and the rehearsal tools look them up. */
export const RELEASE_STAGES = {
  source: { stage: 'Source', action: 'GitHub' },
  build: { stage: 'Build', action: 'TestAndBuildImage' },
  deploy: { stage: 'Deploy', action: 'BlueGreen' },
} as const;

/** Whether a path matches one of CodePipeline's trigger globs: `**` crosses directories, `*` and `?` do not. */
export function triggerGlobMatches(pattern: string, path: string): boolean {
  const regex = pattern
    .split(/(\*\*|\*|\?)/)
    .map((part) =>
      part === '**'
        ? '.*'
        : part === '*'
          ? '[^/]*'
          : part === '?'
            ? '[^/]'
            : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  return new RegExp(`^${regex}$`).test(path);
}

/**
 * Whether the push trigger skips a change to these files: every one matches an excluded path. A change
 * that also touches any other file starts a release, as does one whose files are not known (empty list).
 */
export function skippedByTrigger(
  changedFiles: readonly string[],
  excludes: readonly string[] = DOCS_ONLY_PATHS,
): boolean {
  return (
    changedFiles.length > 0 &&
    changedFiles.every((file) => excludes.some((pattern) => triggerGlobMatches(pattern, file)))
  );
}
