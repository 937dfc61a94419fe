import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import path from 'node:path';

/*
 * The rehearsal tools as a person stops them: the compiled CLI in its own process, a report folder that
 * already holds last run's report, and Ctrl-C at any moment. Nothing they started may outlive them, and the
 * report folder holds one whole report afterwards, never half of two, with no lock or partial folder left.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/tools/src/cli.js');

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Every process the CLI had started, sampled while it ran. */
  readonly descendants: Set<number>;
  readonly exited: Promise<number | null>;
}

function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

function isRunning(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function start(args: string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const descendants = new Set<number>();
  const sample = setInterval(() => {
    const pending = [child.pid!];
    while (pending.length > 0)
      for (const pid of childrenOf(pending.pop()!)) {
        descendants.add(pid);
        pending.push(pid);
      }
  }, 25);
  // The status a shell shows: a signal that lands before Node has run the CLI's first line (under about
  // 0.2 s, when nothing has started yet) ends it as 128 + its number, which is what the CLI exits with too.
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code, signal) => {
      clearInterval(sample);
      resolve(code ?? (signal === null ? null : 128 + constants.signals[signal]));
    }),
  );
  return { child, output: () => text, descendants, exited };
}

async function until(what: () => boolean, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (!what()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

const OLD_REPORT = { 'report.md': 'old md', 'report.json': '{"old":true}', 'report.html': 'old html' };

describe('rehearsal tools interrupted, or run twice on one report folder', () => {
  let root: string;
  const runs: Run[] = [];
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'report-interrupt-'));
  });
  afterEach(() => {
    for (const run of runs.splice(0)) {
      run.child.kill('SIGKILL');
      for (const pid of run.descendants) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    }
    rmSync(root, { recursive: true, force: true });
  });

  // Before the tasks start, while blue starts, and while the deployment runs.
  test.each([150, 1_000, 4_000])(
    'local --report DIR --replace, Ctrl-C after %i ms: exit 130, nothing left running, last report intact',
    async (afterMs) => {
      const dir = path.join(root, 'crash-after');
      mkdirSync(dir);
      for (const [name, text] of Object.entries(OLD_REPORT)) writeFileSync(path.join(dir, name), text);
      const run = start(['local', 'crash-after', '--report', dir, '--replace']);
      runs.push(run);
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      run.child.kill('SIGINT');
      expect(await run.exited).toBe(130);
      expect(await until(() => [...run.descendants].every((pid) => !isRunning(pid)), 10_000)).toBe(true);
      // An interrupted rehearsal has no verdict to report: the last one stays, whole.
      expect(
        Object.fromEntries(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f), 'utf8')])),
      ).toEqual(OLD_REPORT);
      expect(readdirSync(root)).toEqual(['crash-after']);
    },
  );

  test('a second local on the same report folder is refused while the first runs, and the first is unharmed', async () => {
    const dir = path.join(root, 'shared');
    const first = start(['local', '--report', dir]);
    runs.push(first);
    expect(await until(() => /serving production/.test(first.output()), 20_000)).toBe(true);
    const second = start(['local', 'health-fail', '--report', dir]);
    runs.push(second);
    expect(await second.exited).toBe(2);
    expect(second.output()).toMatch(
      new RegExp(
        `--report .*shared: another rehearsal \\(pid ${first.child.pid}\\) is writing its report there`,
      ),
    );
    expect(second.descendants.size).toBe(0);
    expect(first.child.exitCode).toBeNull();
    first.child.kill('SIGINT');
    expect(await first.exited).toBe(130);
    expect(readdirSync(root)).toEqual([]);
  }, 40_000);

  test('suite --report DIR --replace, Ctrl-C twice while it winds down: the folder holds one whole report', async () => {
    const dir = path.join(root, 'suite');
    mkdirSync(path.join(dir, 'healthy'), { recursive: true });
    writeFileSync(path.join(dir, 'index.html'), 'old index');
    writeFileSync(path.join(dir, 'summary.md'), 'old summary');
    writeFileSync(path.join(dir, 'healthy', 'report.json'), '{"old":true}');
    const run = start(['suite', '--faults', 'none,health-fail', '--report', dir, '--replace']);
    runs.push(run);
    expect(await until(() => /running/.test(run.output()), 20_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await until(() => /Interrupted: stopping every rehearsal/.test(run.output()), 5_000)).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(await until(() => [...run.descendants].every((pid) => !isRunning(pid)), 10_000)).toBe(true);
    expect(readdirSync(root)).toEqual(['suite']);
    const index = readFileSync(path.join(dir, 'index.html'), 'utf8');
    const summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    // Either the second Ctrl-C came before the new report was in place, or after: never a mix.
    if (index === 'old index') {
      expect(summary).toBe('old summary');
      expect(readdirSync(dir).sort()).toEqual(['healthy', 'index.html', 'summary.md']);
    } else {
      expect(index).toMatch(/<\/html>\s*$/);
      expect(summary).toMatch(/interrupted/);
      expect(readdirSync(path.join(dir))).not.toContain('healthy');
    }
  }, 40_000);
});
