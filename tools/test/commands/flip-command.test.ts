import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli';
import { runGit } from '../../src/git/run-git';
import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';
import { faultsOf, git, tempRepo } from '../helpers/temp-repo';
import { testDeps } from '../helpers/test-deps';

describe('rehearse flip', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'flip-'));
    file = path.join(dir, 'taskdef.json');
    writeFileSync(file, taskdefWithFaults(''));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const faultsIn = (f: string): string | undefined => faultsOf(readFileSync(f, 'utf8'));

  it('writes the faults, normalized by the service parser, and prints the release commands', async () => {
    const deps = testDeps({ cwd: dir });
    expect(await main(['flip', 'error-rate', 'latency=1500'], deps)).toBe(0);
    expect(faultsIn(file)).toBe('error-rate=0.5,latency=1500');
    expect(deps.stdout.text).toContain('taskdef.json: FAULTS "" -> "error-rate=0.5,latency=1500"');
    expect(deps.stdout.text).toContain('Expected release: rolled-back');
    expect(deps.stdout.text).toContain('git commit -m "rehearsal: flip FAULTS=error-rate=0.5,latency=1500"');
    expect(deps.stdout.text).toContain('git push');
  });

  it('clears FAULTS with --clear and honours --file', async () => {
    const other = path.join(dir, 'other.json');
    writeFileSync(other, readFileSync(file, 'utf8').replace('"value": ""', '"value": "health-fail"'));
    const deps = testDeps({ cwd: dir });
    expect(await main(['flip', '--clear', '--file', other], deps)).toBe(0);
    expect(faultsIn(other)).toBe('');
    expect(readFileSync(other, 'utf8')).toBe(readFileSync(file, 'utf8'));
  });

  it('does nothing when FAULTS already has that value', async () => {
    const deps = testDeps({ cwd: dir });
    expect(await main(['flip', '--clear'], deps)).toBe(0);
    expect(deps.stdout.text).toContain('nothing to do');
  });

  it.each([
    [['flip', 'no-such-fault'], /unknown fault "no-such-fault"/],
    [['flip', 'error-rate=2'], /needs a number from 0 to 1/],
    [['flip', 'health-fail=1'], /takes no value/],
    [['flip', 'latency', 'latency=5'], /given twice/],
    [['flip'], /needs a fault/],
    [['flip', 'health-fail', '--clear'], /not both/],
  ])('exits 2 on %j and leaves the file untouched', async (argv, message) => {
    const before = readFileSync(file, 'utf8');
    const deps = testDeps({ cwd: dir });
    expect(await main(argv, deps)).toBe(2);
    expect(deps.stderr.text).toMatch(message);
    expect(deps.stderr.text).toMatch(/Usage: npm run rehearse -- flip/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it.each([
    ['{"containerDefinitions": [', /not valid JSON/],
    ['{"containerDefinitions":[{"name":"app","environment":[]}]}\n', /no FAULTS entry/],
  ])('exits 1 on a broken task definition and leaves it untouched', async (text, message) => {
    writeFileSync(file, text);
    const deps = testDeps({ cwd: dir });
    expect(await main(['flip', 'health-fail'], deps)).toBe(1);
    expect(deps.stderr.text).toMatch(message);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('exits 1 when the file does not exist', async () => {
    const deps = testDeps({ cwd: dir });
    expect(await main(['flip', 'health-fail', '--file', 'missing.json'], deps)).toBe(1);
    expect(deps.stderr.text).toMatch(/missing\.json: cannot read \(ENOENT\)/);
  });

  it('with --commit outside a git repository exits 1 and leaves the file untouched', async () => {
    const before = readFileSync(file, 'utf8');
    const deps = testDeps({ cwd: dir, git: runGit });
    expect(await main(['flip', 'health-fail', '--commit'], deps)).toBe(1);
    expect(deps.stderr.text).toMatch(/git rev-parse --show-toplevel failed: fatal: not a git repository/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('commits only the task definition with a message naming the fault when --commit is given', async () => {
    const repo = tempRepo();
    try {
      writeFileSync(path.join(repo.dir, 'unrelated.txt'), 'staged elsewhere');
      git(repo.dir, 'add', 'unrelated.txt');
      const deps = testDeps({ cwd: repo.dir, git: runGit });
      expect(await main(['flip', 'wrong-port', '--commit'], deps)).toBe(0);
      expect(git(repo.dir, 'log', '-1', '--format=%s')).toBe('rehearsal: flip FAULTS=wrong-port=9999');
      expect(git(repo.dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('taskdef.json');
      expect(deps.stdout.text).toMatch(/Committed [0-9a-f]{12}/);
    } finally {
      repo.remove();
    }
  });

  describe('--commit commits only its own change', () => {
    let repo: ReturnType<typeof tempRepo>;
    beforeEach(() => {
      repo = tempRepo();
    });
    afterEach(() => repo.remove());

    /** Flips with --commit from `cwd` and returns the exit code, stderr, and whether anything changed. */
    async function flipCommit(cwd: string, args: string[] = []) {
      const head = git(repo.dir, 'rev-parse', 'HEAD');
      const before = readFileSync(repo.taskdef, 'utf8');
      const deps = testDeps({ cwd, git: runGit });
      const code = await main(['flip', 'health-fail', '--commit', ...args], deps);
      return {
        code,
        stderr: deps.stderr.text,
        committed: git(repo.dir, 'rev-parse', 'HEAD') !== head,
        written: readFileSync(repo.taskdef, 'utf8') !== before,
      };
    }

    it.each([
      ['an unstaged', false],
      ['a staged', true],
    ])('refuses when the file has %s edit of its own, naming it, writing nothing', async (_kind, stage) => {
      const text = readFileSync(repo.taskdef, 'utf8');
      writeFileSync(repo.taskdef, text.replace(/("cpu": )"(\d+)"/, '$1"512"'));
      if (stage) git(repo.dir, 'add', 'taskdef.json');
      const result = await flipCommit(repo.dir);
      expect(result).toMatchObject({ code: 1, committed: false, written: false });
      expect(result.stderr).toContain('taskdef.json has uncommitted changes of its own');
      expect(result.stderr).toMatch(/^\+.*"cpu": "512"/m);
    });

    it('refuses a --file in another repository as a usage error, writing nothing', async () => {
      const other = tempRepo();
      try {
        const result = await flipCommit(other.dir, ['--file', repo.taskdef]);
        expect(result).toMatchObject({ code: 2, committed: false, written: false });
        expect(result.stderr).toMatch(/is outside it; run flip from that file's repository/);
        expect(result.stderr).toMatch(/^ {2}--file PATH/m);
      } finally {
        other.remove();
      }
    });

    it('refuses from outside any repository, writing nothing', async () => {
      const result = await flipCommit(dir, ['--file', repo.taskdef]);
      expect(result).toMatchObject({ code: 1, committed: false, written: false });
      expect(result.stderr).toMatch(/not a git repository/);
    });
  });
});
