#!/usr/bin/env node
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual, parseArgs } from 'node:util';
import { TASKDEF_FILE } from '../../contract/release-file-names';
import { settings } from '../../contract/settings';

/*
 * The content key of a release: a SHA-256 over every file of the commit as CodeBuild gets it (CodePipeline
 * hands it a ZIP of the commit, no .git), with one thing left out: the value of the service container's
 * FAULTS in taskdef.json, which is what a rehearsal's flip changes. Two commits with the same key differ
 * at most in that value, which no lint rule, type, test or image layer reads (the release tests read the
 * template's shape, the image copies no taskdef.json), so the verdict of one build holds for the other.
 * Run by buildspec.yml with plain node before `npm ci`: it is committed bundled
 * (pipeline/release/bundled/content-key.js) and imports nothing outside Node and the contract.
 */

const USAGE = `Usage: node pipeline/release/bundled/content-key.js [--files-from <file>] [<dir>]

Prints the content key of the tree at <dir> (default: the current directory): SHA-256 over every file's
path, kind and bytes, with the value of FAULTS in ${TASKDEF_FILE} left out. Without --files-from it takes
every file under <dir> but .git, as in a build's source folder before anything writes into it.

  --files-from <file>  take only these files, relative to <dir>, separated by NUL as \`git ls-files -z\`
                       prints them ("-" reads standard input): the committed files of a work tree`;

/** One file of the tree, as the key sees it. */
export interface TreeFile {
  /** Path relative to the tree's root, `/`-separated. */
  readonly path: string;
  /** `x` for an executable file, `l` for a symbolic link (its bytes are the target), `f` otherwise. */
  readonly kind: 'f' | 'x' | 'l';
  readonly bytes: Buffer;
}

/** A JSON string that no task definition holds: it marks where the FAULTS value was found. */
const MARK = '\u0000content-key\u0000';

/** Every `"value": "..."` member of the text, as the [start, end) offsets of its string token. */
function valueTokens(text: string): [number, number][] {
  const member = /"value"\s*:\s*("(?:[^"\\]|\\.)*")/g;
  return [...text.matchAll(member)].map((m) => {
    const end = m.index + m[0].length;
    return [end - m[1]!.length, end];
  });
}

function serviceFaults(doc: unknown): { value: unknown } | undefined {
  const containers = (doc as { containerDefinitions?: unknown } | null)?.containerDefinitions;
  if (!Array.isArray(containers)) return undefined;
  const container = containers.find((c: { name?: unknown } | null) => c?.name === settings.container.name) as
    { environment?: unknown } | undefined;
  const environment = container?.environment;
  if (!Array.isArray(environment)) return undefined;
  const entries = environment.filter((e: { name?: unknown } | null) => e?.name === 'FAULTS');
  return entries.length === 1 ? (entries[0] as { value: unknown }) : undefined;
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Where the service container's FAULTS value is in a task definition's text: the [start, end) offsets of
 * its JSON string, quotes included. A candidate counts only when writing a mark there changes the parsed
 * document in that value and nowhere else, so any layout works and no other byte can be taken for it.
 * `undefined` when there is no single such value (not JSON, no FAULTS, two of them): the whole file counts.
 */
export function faultsValueSpan(text: string): [number, number] | undefined {
  const original = parsed(text);
  const entry = serviceFaults(original);
  if (entry === undefined || typeof entry.value !== 'string') return undefined;
  const expected = parsed(text);
  serviceFaults(expected)!.value = MARK;
  const found = valueTokens(text).filter(([start, end]) =>
    isDeepStrictEqual(parsed(`${text.slice(0, start)}${JSON.stringify(MARK)}${text.slice(end)}`), expected),
  );
  return found.length === 1 ? found[0] : undefined;
}

/** The bytes the key reads for a file: taskdef.json with its FAULTS value written as "", others as they are. */
export function keyedBytes(file: TreeFile): Buffer {
  if (file.path !== TASKDEF_FILE || file.kind === 'l') return file.bytes;
  const text = file.bytes.toString('utf8');
  const span = faultsValueSpan(text);
  if (span === undefined) return file.bytes;
  return Buffer.from(`${text.slice(0, span[0])}""${text.slice(span[1])}`, 'utf8');
}

/**
 * The key of a set of files: SHA-256, in hex, over each file in byte order of its path: kind, length and
 * path, then its bytes (with {@link keyedBytes}). Lengths make every file's part unambiguous, so a moved
 * byte, a renamed, added or removed file, or a changed executable bit each give another key.
 */
export function contentKey(files: Iterable<TreeFile>): string {
  const sorted = [...files].sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const hash = createHash('sha256');
  for (const file of sorted) {
    const bytes = keyedBytes(file);
    hash.update(`${file.kind} ${bytes.length} ${Buffer.byteLength(file.path)} ${file.path}\n`);
    hash.update(bytes);
  }
  return hash.digest('hex');
}

/** Reads one file of the tree at `root`; a symbolic link is read as its target, never followed. */
export function readTreeFile(root: string, path: string): TreeFile {
  const full = join(root, path);
  const stat = lstatSync(full);
  if (stat.isSymbolicLink()) return { path, kind: 'l', bytes: Buffer.from(readlinkSync(full)) };
  if (!stat.isFile()) throw new Error(`${path} is not a file (listed in the tree at ${root})`);
  return { path, kind: (stat.mode & 0o111) !== 0 ? 'x' : 'f', bytes: readFileSync(full) };
}

/**
 * Every file under `root`, relative and `/`-separated, but the top-level `.git` (git never commits a path
 * named .git, so this skips only a clone's metadata). Directories count only through their files, as in git.
 */
export function listTree(root: string, dir = ''): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (path === '.git') return [];
    return entry.isDirectory() ? listTree(root, path) : [path];
  });
}

/** The files of the tree at `root`: `paths` when given (a work tree's committed files), else every file. */
export function treeFiles(root: string, paths?: readonly string[]): TreeFile[] {
  return (paths ?? listTree(root)).map((path) => readTreeFile(root, path));
}

/** What the entry needs from the process; tests pass their own. */
export interface ContentKeyDeps {
  readonly cwd: string;
  readonly stdin: () => Buffer;
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

/** Prints the key of a tree; returns the exit code (2 for a usage error, 1 for a file it cannot read). */
export function main(argv: readonly string[], deps: ContentKeyDeps): number {
  let values: { 'files-from'?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: { 'files-from': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (error) {
    deps.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    deps.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (positionals.length > 1) {
    deps.stderr.write(
      `one tree at a time, got ${positionals.length}: ${positionals.join(' ')}\n\n${USAGE}\n`,
    );
    return 2;
  }
  const root = resolve(deps.cwd, positionals[0] ?? '.');
  const listFile = values['files-from'];
  try {
    const list =
      listFile === undefined
        ? undefined
        : (listFile === '-' ? deps.stdin() : readFileSync(resolve(deps.cwd, listFile)))
            .toString('utf8')
            .split('\0')
            .filter((path) => path !== '');
    const files = treeFiles(root, list);
    const taskdef = files.find((f) => f.path === TASKDEF_FILE);
    if (taskdef !== undefined && faultsValueSpan(taskdef.bytes.toString('utf8')) === undefined) {
      deps.stderr.write(
        `${TASKDEF_FILE}: no single FAULTS value of container "${settings.container.name}" found; the whole file counts toward the key, so only an identical tree reuses a build\n`,
      );
    }
    deps.stdout.write(`${contentKey(files)}\n`);
    return 0;
  } catch (error) {
    deps.stderr.write(
      `content key not computed: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    cwd: process.cwd(),
    stdin: () => readFileSync(0),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}
