import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The repository's files, for tests that look at all of them. CodePipeline's GitHub source action hands
 * CodeBuild a ZIP of the commit without `.git` (CODE_ZIP, the default output format: CodePipeline User
 * Guide, "CodeStarSourceConnection for Bitbucket Cloud, GitHub, ..." action reference), so `git ls-files`
 * cannot be the only way: without a work tree the files come from walking the folder.
 */

/** Folders that hold installs or build output, never sources, even when `.gitignore` does not list them. */
const ALWAYS_SKIPPED = ['.git', 'node_modules', 'dist', 'cdk.out', 'reports', 'coverage'];

/** One `.gitignore` line this helper understands: a name or `*` glob, for files or (with `/`) folders. */
interface IgnoreRule {
  readonly pattern: RegExp;
  readonly directoryOnly: boolean;
  /** A leading `/` ties the rule to the root; otherwise it matches at any depth, as git does. */
  readonly anchored: boolean;
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[^/]*');
  return new RegExp(`^${body}$`);
}

/**
 * Reads the `.gitignore` lines this walk needs: blank lines and comments are skipped; a negation or a
 * path with an inner slash would need git's full rules, so it stops the walk with the line that asked.
 */
export function parseGitignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const directoryOnly = line.endsWith('/');
      const anchored = line.startsWith('/');
      const name = line.replace(/^\//, '').replace(/\/$/, '');
      if (line.startsWith('!') || name.includes('/') || name.includes('**')) {
        throw new Error(
          `.gitignore line "${line}" is beyond what the tests' file walk understands (names and * globs, ` +
            'optionally with a leading or trailing /): extend tools/test/helpers/repository-files.ts',
        );
      }
      return { pattern: globToRegExp(name), directoryOnly, anchored };
    });
}

function ignored(rules: readonly IgnoreRule[], name: string, isDirectory: boolean, atRoot: boolean): boolean {
  return rules.some(
    (rule) => (!rule.directoryOnly || isDirectory) && (!rule.anchored || atRoot) && rule.pattern.test(name),
  );
}

/**
 * Every file under `root` that git would track, found by walking the folder: skips install and build
 * output and what the root `.gitignore` lists. Paths are relative, with `/`, sorted.
 */
export function walkRepositoryFiles(root: string): string[] {
  const gitignore = join(root, '.gitignore');
  const rules = [
    ...ALWAYS_SKIPPED.map((name) => ({ pattern: globToRegExp(name), directoryOnly: true, anchored: false })),
    ...(existsSync(gitignore) ? parseGitignore(readFileSync(gitignore, 'utf8')) : []),
  ];
  const walk = (dir: string): string[] =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
      if (ignored(rules, entry.name, entry.isDirectory(), dir === '')) return [];
      return entry.isDirectory() ? walk(path) : [path];
    });
  return walk('').sort();
}

/** Whether `root` is the top of a git work tree (false without git, or in an export of a commit). */
export function isGitWorkTree(root: string): boolean {
  try {
    const top = execFileSync('git', ['rev-parse', '--show-toplevel'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return top !== '' && existsSync(join(root, '.git'));
  } catch {
    return false;
  }
}

/**
 * The repository's files: `git ls-files` in a work tree (tracked files, including ones not yet
 * committed), otherwise {@link walkRepositoryFiles}. Files deleted from the work tree but still tracked
 * are left out either way.
 */
export function repositoryFiles(root: string): string[] {
  if (!isGitWorkTree(root)) return walkRepositoryFiles(root);
  return execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file !== '' && existsSync(join(root, file)))
    .sort();
}
