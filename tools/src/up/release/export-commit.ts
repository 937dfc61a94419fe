import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { DOCS_ONLY_PATHS, skippedByTrigger } from '../../../../contract/release-trigger';

/*
 * The Source stage: what the pipeline's trigger decides and what its source action hands the build.
 * - The trigger: a push to main whose changed files all match the excluded paths starts no execution
 *   (contract/release-trigger.ts, the filter the stack writes into the pipeline; CodePipeline User Guide,
 *   "Filter triggers on code push or pull requests").
 * - The source: the commit's files without .git, as the GitHub source action's CODE_ZIP output has them.
 */

const NO_COMMIT = /^0{40}$/;

/** The files a push changed on main, or undefined when there is nothing to compare with (a first push). */
async function changedFiles(
  remoteDir: string,
  before: string,
  commit: string,
  signal: AbortSignal,
): Promise<readonly string[] | undefined> {
  if (NO_COMMIT.test(before) || before === commit) return undefined;
  const { stdout } = await git(remoteDir, ['diff', '--name-only', '-z', before, commit], signal);
  return stdout.split('\0').filter((file) => file !== '');
}

function git(cwd: string, args: readonly string[], signal: AbortSignal): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    execFile('git', [...args], { cwd, signal, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error
        ? reject(new Error(`git ${args.join(' ')}: ${stderr.trim() || error.message}`))
        : resolve({ stdout }),
    );
  });
}

/**
 * Why the trigger starts no release for this push, or undefined when it starts one. A first push, or one
 * whose changes git cannot list, starts one, as the trigger does for a change it cannot tell apart.
 */
export async function triggerSkips(
  remoteDir: string,
  before: string,
  commit: string,
  signal: AbortSignal,
): Promise<string | undefined> {
  const files = await changedFiles(remoteDir, before, commit, signal);
  if (files === undefined || !skippedByTrigger(files, DOCS_ONLY_PATHS)) return undefined;
  return `the push changed only ${files.join(', ')}, which the pipeline's trigger excludes (${DOCS_ONLY_PATHS.join(', ')}): no release starts, as on AWS`;
}

/** Writes the commit's files, without .git, into `srcDir` (git archive of the bare repository). */
export async function exportCommit(
  remoteDir: string,
  commit: string,
  srcDir: string,
  signal: AbortSignal,
): Promise<void> {
  mkdirSync(srcDir, { recursive: true });
  await new Promise<void>((resolve, reject) => {
    execFile(
      'bash',
      ['-c', 'set -o pipefail; git archive --format=tar "$1" | tar -x -C "$2"', 'export', commit, srcDir],
      { cwd: remoteDir, signal },
      (error, _stdout, stderr) =>
        error ? reject(new Error(`exporting ${commit}: ${stderr.trim() || error.message}`)) : resolve(),
    );
  });
}
