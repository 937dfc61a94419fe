import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

/*
 * The repository's layers: the contract at the bottom, the service and the shared decisions (core/) above
 * it, then what runs in AWS (pipeline/) and what a person runs (tools/) side by side. Imports go downward
 * only.
 */
const ROOT = join(__dirname, '../../..');
const PARTS = ['contract', 'core', 'app', 'pipeline', 'tools'] as const;

interface Source {
  readonly file: string;
  readonly imports: readonly string[];
}

function listTs(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return listTs(path);
    return /\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*'([^']+)'|(?:^|\n)\s*import\s*'([^']+)'/g;

function resolveImport(from: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(ROOT, normalize(join(ROOT, dirname(from), specifier)))
    .split(sep)
    .join('/');
}

const sources: readonly Source[] = PARTS.flatMap(listTs).map((file) => ({
  file,
  imports: [...readFileSync(join(ROOT, file), 'utf8').matchAll(SPECIFIER)].map((m) =>
    resolveImport(file, (m[1] ?? m[2])!),
  ),
}));

const isTest = (file: string): boolean => /(^|\/)test\//.test(file) || file.endsWith('.test.ts');
const isBench = (file: string): boolean => file.startsWith('app/bench/');
const production = sources.filter((s) => !isTest(s.file) && !isBench(s.file));
const ours = (target: string): boolean => PARTS.some((part) => target.startsWith(`${part}/`));

/** `file imports target` for every import of ours that `allowed` rejects. */
function violations(files: readonly Source[], allowed: (file: string, target: string) => boolean): string[] {
  return files.flatMap((s) =>
    s.imports.filter((t) => ours(t) && !allowed(s.file, t)).map((t) => `${s.file} imports ${t}`),
  );
}

const under = (target: string, ...folders: string[]): boolean =>
  folders.some((f) => target.startsWith(`${f}/`));

/**
 * The folders of one part of tools/src and, for each, the folders of that part its production files may
 * import besides their own; `.` is the files directly in the part's folder. docs/tools.md lists the same.
 */
type FolderLayers = Readonly<Record<string, readonly string[]>>;

/*
 * The local stand-in, one folder per AWS part. The files directly in local/ (the clock, free ports) are
 * what every part shares, and import none of them.
 */
const LOCAL_LAYERS: FolderLayers = {
  '.': [],
  control: [],
  cloudwatch: ['.'],
  elb: ['.', 'cloudwatch'],
  ecs: ['.', 'cloudwatch', 'elb'],
  'time-scale': ['.', 'elb'],
  controllers: ['.', 'cloudwatch', 'elb', 'time-scale', 'control'],
  lambdas: ['.', 'cloudwatch', 'elb', 'ecs', 'time-scale', 'controllers'],
  result: ['.', 'cloudwatch', 'elb', 'time-scale', 'controllers'],
  rehearsal: ['.', 'cloudwatch', 'elb', 'ecs', 'time-scale', 'controllers', 'lambdas', 'result', 'control'],
  report: ['.', 'controllers', 'rehearsal', 'result'],
};

/* The drill: run-drill.ts, in drill/ itself, runs its preflight, follows the deployment and writes the report. */
const DRILL_LAYERS: FolderLayers = {
  '.': ['preflight', 'follow', 'report'],
  preflight: [],
  follow: [],
  report: ['preflight'],
};

/*
 * The suite: run-suite.ts, the scheduler and the live lines, in suite/ itself, run the plan; the scorecard and
 * the report folder read the runs.
 */
const SUITE_LAYERS: FolderLayers = {
  '.': ['plan', 'scorecard'],
  plan: [],
  scorecard: ['plan'],
  report: ['plan', 'scorecard'],
};

/*
 * `up`: the command's parts in up/ itself run the long-lived environment (environment/) and take each push
 * through the remote and the builder (release/), which share only the state folder's name with up/.
 */
const UP_LAYERS: FolderLayers = {
  '.': ['environment', 'release'],
  environment: [],
  release: ['.'],
};

/** A folder of tools/src holds at most this many files: what a reader keeps in mind at once. */
const MAX_FILES_PER_FOLDER = 12;
/** Folders the limit leaves alone: commands/ holds one file per command. */
const UNLIMITED_FOLDERS = new Set(['tools/src/commands']);

/** Every folder under `dir` (itself included) with the number of files directly in it. */
function fileCounts(dir: string): { folder: string; files: number }[] {
  const entries = readdirSync(join(ROOT, dir), { withFileTypes: true });
  return [
    { folder: dir, files: entries.filter((e) => e.isFile()).length },
    ...entries.filter((e) => e.isDirectory()).flatMap((e) => fileCounts(`${dir}/${e.name}`)),
  ];
}

/** The folder of `file` directly under `part` (`.` for a file of `part` itself), or undefined outside it. */
function folderIn(part: string, file: string): string | undefined {
  if (!file.startsWith(`${part}/`)) return undefined;
  const rest = file.slice(part.length + 1).split('/');
  return rest.length === 1 ? '.' : rest[0];
}

/** `file imports target` for every import between folders of `part` that `layers` does not list. */
function folderViolations(part: string, layers: FolderLayers): string[] {
  return production.flatMap((s) => {
    const from = folderIn(part, s.file);
    if (from === undefined) return [];
    return s.imports
      .filter((t) => {
        const to = folderIn(part, t);
        return to !== undefined && to !== from && !(layers[from] ?? []).includes(to);
      })
      .map((t) => `${s.file} imports ${t}`);
  });
}

/** The folders of `part` that hold production files, `.` for the part's own. */
function foldersOf(part: string): string[] {
  return [...new Set(production.flatMap((s) => folderIn(part, s.file) ?? []))].sort();
}

describe('repository layers', () => {
  it('finds the sources it checks', () => {
    for (const part of PARTS) expect(production.some((s) => s.file.startsWith(`${part}/`))).toBe(true);
  });

  it('keeps the contract free of our other parts, of I/O and of aws-cdk-lib', () => {
    const contract = production.filter((s) => s.file.startsWith('contract/'));
    expect(violations(contract, (_, t) => under(t, 'contract'))).toEqual([]);
    const external = contract.flatMap((s) =>
      s.imports.filter((t) => !ours(t)).map((t) => `${s.file} imports ${t}`),
    );
    expect(external).toEqual([]);
  });

  it('lets the service import only itself and the contract', () => {
    const app = sources.filter((s) => s.file.startsWith('app/'));
    expect(violations(app, (_, t) => under(t, 'app', 'contract'))).toEqual([]);
  });

  it('lets core/ import only itself and the contract', () => {
    const core = sources.filter((s) => s.file.startsWith('core/'));
    expect(violations(core, (_, t) => under(t, 'core', 'contract'))).toEqual([]);
  });

  it('keeps pipeline/ and tools/ apart, tests included: both build on core/ and the contract', () => {
    const pipeline = sources.filter((s) => s.file.startsWith('pipeline/'));
    expect(violations(pipeline, (_, t) => under(t, 'pipeline', 'core', 'contract'))).toEqual([]);
    const tools = sources.filter((s) => s.file.startsWith('tools/'));
    expect(violations(tools, (_, t) => under(t, 'tools', 'core', 'contract'))).toEqual([]);
  });

  it('has no production import of test code', () => {
    expect(violations(production, (_, t) => !isTest(t))).toEqual([]);
  });

  it('has no import cycle among production files', () => {
    const byFile = new Map(production.map((s) => [s.file.replace(/\.ts$/, ''), s]));
    const targetsOf = (key: string): string[] =>
      (byFile.get(key)?.imports ?? [])
        .map((t) => (byFile.has(t) ? t : `${t}/index`))
        .filter((t) => byFile.has(t));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (key: string, path: string[]): void => {
      if (state.get(key) === 'done') return;
      if (state.get(key) === 'open') {
        cycles.push([...path.slice(path.indexOf(key)), key].join(' -> '));
        return;
      }
      state.set(key, 'open');
      for (const next of targetsOf(key)) visit(next, [...path, key]);
      state.set(key, 'done');
    };
    for (const key of byFile.keys()) visit(key, []);
    expect(cycles).toEqual([]);
  });

  describe('the local stand-in, one folder per AWS part', () => {
    it('gives every folder of tools/src/local its place in the layers', () => {
      expect(foldersOf('tools/src/local')).toEqual(Object.keys(LOCAL_LAYERS).sort());
    });

    it('imports between its folders only in the directions the layers allow', () => {
      expect(folderViolations('tools/src/local', LOCAL_LAYERS)).toEqual([]);
    });
  });

  it('keeps the drill in its folders: preflight, following the deployment, report', () => {
    expect(foldersOf('tools/src/drill')).toEqual(Object.keys(DRILL_LAYERS).sort());
    expect(folderViolations('tools/src/drill', DRILL_LAYERS)).toEqual([]);
  });

  it('keeps the suite in its folders: the plan, the scorecard, the report', () => {
    expect(foldersOf('tools/src/suite')).toEqual(Object.keys(SUITE_LAYERS).sort());
    expect(folderViolations('tools/src/suite', SUITE_LAYERS)).toEqual([]);
  });

  it('keeps up in its folders: the environment, the remote and builder', () => {
    expect(foldersOf('tools/src/up')).toEqual(Object.keys(UP_LAYERS).sort());
    expect(folderViolations('tools/src/up', UP_LAYERS)).toEqual([]);
  });

  it(`holds at most ${MAX_FILES_PER_FOLDER} files in any folder of tools/src but commands/`, () => {
    const counts = fileCounts('tools/src');
    expect(counts.length).toBeGreaterThan(10);
    const crowded = counts
      .filter((c) => !UNLIMITED_FOLDERS.has(c.folder) && c.files > MAX_FILES_PER_FOLDER)
      .map((c) => `${c.folder}: ${c.files} files`);
    expect(crowded).toEqual([]);
  });
});
