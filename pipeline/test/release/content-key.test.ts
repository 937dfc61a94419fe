import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import { contentKey, faultsValueSpan, main, treeFiles, type TreeFile } from '../../release/content-key';

const ROOT = join(__dirname, '../../..');
const TASKDEF = readFileSync(join(ROOT, 'taskdef.json'), 'utf8');

interface TaskDef {
  containerDefinitions: { name: string; environment: { name: string; value: string }[] }[];
}
const taskDef = (): TaskDef => JSON.parse(TASKDEF) as TaskDef;

/** The repository's own task definition with the service container's FAULTS set to `value`. */
function withFaults(value: string): string {
  const doc = taskDef();
  doc.containerDefinitions[0]!.environment.find((e) => e.name === 'FAULTS')!.value = value;
  return `${JSON.stringify(doc, null, 2)}\n`;
}

const file = (path: string, text: string | Buffer, kind: TreeFile['kind'] = 'f'): TreeFile => ({
  path,
  kind,
  bytes: Buffer.from(text),
});

/** A small tree with the files a release reads: the task definition, a script, nested sources. */
function sampleTree(faults = ''): TreeFile[] {
  return [
    file('taskdef.json', withFaults(faults)),
    file('README.md', '# sample\n'),
    file('.ci/run', '#!/usr/bin/env bash\nnpm test\n', 'x'),
    file('app/src/server.ts', 'export const port = 8080;\n'),
    file('contract/settings.ts', 'export const settings = { port: 8080 };\n'),
  ];
}

const replaceFile = (tree: TreeFile[], index: number, next: TreeFile): TreeFile[] =>
  tree.map((f, i) => (i === index ? next : f));

function captured(): PassThrough & { text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return Object.assign(stream, { text: () => text });
}

describe('content key', () => {
  it('is the same whatever FAULTS holds, valid or not', () => {
    const key = contentKey(sampleTree(''));
    for (const faults of ['health-fail', 'latency=100,error-rate=0.2', 'not-a-fault', '"quoted"\\']) {
      expect(contentKey(sampleTree(faults))).toBe(key);
    }
  });

  it('changes with every other byte of every file: each byte of each file flipped in turn', () => {
    const tree = sampleTree('health-fail');
    const key = contentKey(tree);
    const span = faultsValueSpan(tree[0]!.bytes.toString('utf8'))!;
    let flipped = 0;
    tree.forEach((f, index) => {
      for (let at = 0; at < f.bytes.length; at++) {
        const insideFaults = index === 0 && at > span[0] && at < span[1] - 1;
        const bytes = Buffer.from(f.bytes);
        // Inside the value: another letter, still a JSON string. Elsewhere: one bit of the byte.
        bytes[at] = insideFaults ? (bytes[at] === 0x78 ? 0x79 : 0x78) : bytes[at]! ^ 0x01;
        const changed = contentKey(replaceFile(tree, index, { ...f, bytes }));
        if (insideFaults) expect(changed).toBe(key);
        else
          expect({ file: f.path, at, changed: changed !== key }).toEqual({ file: f.path, at, changed: true });
        flipped++;
      }
    });
    expect(flipped).toBe(tree.reduce((n, f) => n + f.bytes.length, 0));
  });

  it('changes when a byte is added anywhere in taskdef.json outside the value, even as JSON whitespace', () => {
    const text = withFaults('health-fail');
    const key = contentKey([file('taskdef.json', text)]);
    const span = faultsValueSpan(text)!;
    for (const at of [0, span[0], span[1], text.length]) {
      const spaced = `${text.slice(0, at)} ${text.slice(at)}`;
      expect(contentKey([file('taskdef.json', spaced)])).not.toBe(key);
    }
  });

  it('changes when a file is added, removed, renamed or made executable', () => {
    const tree = sampleTree();
    const key = contentKey(tree);
    const readme = tree[1]!;
    expect(contentKey([...tree, file('docs/new.md', '')])).not.toBe(key);
    expect(contentKey(tree.slice(0, 1))).not.toBe(key);
    expect(contentKey(replaceFile(tree, 1, { ...readme, path: 'README.txt' }))).not.toBe(key);
    expect(contentKey(replaceFile(tree, 1, { ...readme, kind: 'x' }))).not.toBe(key);
    expect(contentKey(replaceFile(tree, 1, { ...readme, kind: 'l' }))).not.toBe(key);
    // One file's bytes moved to the next file's name cannot give the same input.
    expect(contentKey([file('a', 'bc'), file('b', '')])).not.toBe(
      contentKey([file('a', 'b'), file('b', 'c')]),
    );
  });

  it('does not depend on the order the files are listed in', () => {
    const tree = sampleTree();
    expect(contentKey([...tree].reverse())).toBe(contentKey(tree));
  });

  it('finds FAULTS in any layout: compact, value before name', () => {
    const compact = JSON.stringify(JSON.parse(withFaults('health-fail')));
    const reordered = withFaults('health-fail').replace(
      /\{\s*"name": "FAULTS",\s*"value": "health-fail"\s*\}/,
      '{ "value": "health-fail", "name": "FAULTS" }',
    );
    for (const text of [compact, reordered]) {
      const span = faultsValueSpan(text)!;
      expect(text.slice(...span)).toBe('"health-fail"');
      expect(contentKey([file('taskdef.json', text)])).toBe(
        contentKey([file('taskdef.json', text.replace('"health-fail"', '""'))]),
      );
    }
  });

  it('counts the whole file when FAULTS is not one string value of the service container', () => {
    const twice = taskDef();
    twice.containerDefinitions[0]!.environment.push({ name: 'FAULTS', value: 'health-fail' });
    const otherContainer = taskDef();
    otherContainer.containerDefinitions[0]!.name = 'sidecar';
    for (const text of [JSON.stringify(twice), JSON.stringify(otherContainer), '{"not": "json"']) {
      expect(faultsValueSpan(text)).toBeUndefined();
    }
    // A value the key cannot place then counts like any other byte.
    const a = JSON.stringify(twice);
    expect(contentKey([file('taskdef.json', a)])).not.toBe(
      contentKey([file('taskdef.json', a.replace('"health-fail"', '"latency"'))]),
    );
    // A FAULTS value written elsewhere (here in another file of the same name) is not left out.
    expect(contentKey([file('docs/taskdef.json', withFaults('x'))])).not.toBe(
      contentKey([file('docs/taskdef.json', withFaults('y'))]),
    );
  });
});

describe('content key of a commit: its export and its work tree agree', () => {
  let dir: string;
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
      cwd,
      encoding: 'utf8',
    });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'content-key-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A repository with a commit, then what a developer's work tree holds besides: installs, builds, scratch. */
  function workTree(): string {
    const repo = join(dir, 'repo');
    const put = (path: string, text: string): void => {
      mkdirSync(dirname(join(repo, path)), { recursive: true });
      writeFileSync(join(repo, path), text);
    };
    put('taskdef.json', withFaults('health-fail'));
    put('.gitignore', 'node_modules/\ndist/\n');
    put('app/src/server.ts', 'export {};\n');
    put('.ci/run', '#!/usr/bin/env bash\n');
    chmodSync(join(repo, '.ci/run'), 0o755);
    symlinkSync('app/src/server.ts', join(repo, 'entry.ts'));
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'sample');
    put('node_modules/pkg/index.js', 'module.exports = 1;\n');
    put('dist/server.js', '');
    put('notes.txt', 'not committed\n');
    return repo;
  }

  function exportOf(repo: string): string {
    const out = join(dir, 'export');
    mkdirSync(out);
    execFileSync('tar', ['-x', '-C', out], {
      input: execFileSync('git', ['archive', 'HEAD'], { cwd: repo }),
    });
    return out;
  }

  const keyOf = (argv: string[], stdin = ''): { code: number; key: string; stderr: string } => {
    const stdout = captured();
    const stderr = captured();
    const code = main(argv, { cwd: dir, stdin: () => Buffer.from(stdin), stdout, stderr });
    return { code, key: stdout.text().trim(), stderr: stderr.text() };
  };

  it('gives the export (no .git) and the work tree (its committed files, from git ls-files) one key', () => {
    const repo = workTree();
    const exported = keyOf([exportOf(repo)]);
    const listed = keyOf(['--files-from', '-', repo], git(repo, 'ls-files', '-z'));
    expect(exported).toEqual({ code: 0, key: expect.stringMatching(/^[a-f0-9]{64}$/), stderr: '' });
    expect(listed).toEqual(exported);
    // Walking the work tree itself takes the installs and scratch files too: that is why it is given the list.
    expect(keyOf([repo]).key).not.toBe(exported.key);
  });

  it('gives a flip-only commit the key of its parent, and any other commit another key', () => {
    const repo = workTree();
    const key = (): string => keyOf(['--files-from', '-', repo], git(repo, 'ls-files', '-z')).key;
    const before = key();
    writeFileSync(join(repo, 'taskdef.json'), withFaults('latency=100'));
    git(repo, 'commit', '-q', '-am', 'rehearsal: flip FAULTS=latency=100');
    expect(key()).toBe(before);
    writeFileSync(join(repo, 'app/src/server.ts'), 'export {};\n\n');
    git(repo, 'commit', '-q', '-am', 'a code change');
    expect(key()).not.toBe(before);
  });

  it('runs from its committed bundle with plain node, outside the repository, to the same key', () => {
    const repo = workTree();
    const exported = exportOf(repo);
    const alone = join(dir, 'content-key.js');
    writeFileSync(alone, readFileSync(join(ROOT, 'pipeline/release/bundled/content-key.js')));
    const run = spawnSync(process.execPath, [alone], { cwd: exported, encoding: 'utf8' });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: '' });
    expect(run.stdout.trim()).toBe(keyOf([exported]).key);
  });

  it('is a usage error (2) with two trees or an unknown flag, and fails (1) on a listed file that is missing', () => {
    expect(keyOf(['a', 'b'])).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('one tree at a time'),
    });
    expect(keyOf(['--files'])).toMatchObject({ code: 2, stderr: expect.stringContaining('Usage:') });
    const repo = workTree();
    expect(keyOf(['--files-from', '-', repo], 'taskdef.json\0gone.ts\0')).toMatchObject({
      code: 1,
      key: '',
      stderr: expect.stringMatching(/^content key not computed: .*gone\.ts/),
    });
  });

  it('says on stderr when it cannot place FAULTS, and still prints a key', () => {
    const repo = workTree();
    writeFileSync(join(repo, 'taskdef.json'), '{}');
    const result = keyOf(['--files-from', '-', repo], 'taskdef.json\0');
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^taskdef\.json: no single FAULTS value of container "app" found/);
  });

  it('lists files, not directories, and never descends into .git', () => {
    const repo = workTree();
    const paths = treeFiles(repo).map((f) => f.path);
    expect(paths).toContain('node_modules/pkg/index.js');
    expect(paths.some((p) => p === '.git' || p.startsWith('.git/'))).toBe(false);
    expect(treeFiles(repo).find((f) => f.path === '.ci/run')?.kind).toBe('x');
    expect(treeFiles(repo).find((f) => f.path === 'entry.ts')).toMatchObject({ kind: 'l' });
  });
});
