import { spawnSync } from 'node:child_process';
import fs, {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../../src/args/parse-command-args';
import { ReportFolder } from '../../src/args/report-folder';

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'report-folder-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The pid of a process that has ended: what a lock left by a SIGKILLed run holds. */
const deadPid = (): string =>
  spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();

const claim = (dir: string, replace = false, pid?: number) =>
  ReportFolder.claim(dir, '--report', { replace, ...(pid !== undefined && { pid }) });

/** A report a previous run left: the suite's two files and one rehearsal's folder. */
function oldSuiteReport(dir: string): void {
  mkdirSync(path.join(dir, 'health-fail'), { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), 'old index');
  writeFileSync(path.join(dir, 'summary.md'), 'old summary');
  writeFileSync(path.join(dir, 'health-fail', 'report.json'), '{"old": true}');
}

const writeNew = (folder: ReportFolder) =>
  folder.write((staging) => {
    writeFileSync(path.join(staging, 'report.json'), '{"new": true}');
    return Promise.resolve([path.join(staging, 'report.json')]);
  });

describe('a report folder', () => {
  test('that is new is written, and nothing is left beside it', async () => {
    const dir = path.join(root, 'reports', 'crash-after');
    const folder = await claim(dir);
    expect(existsSync(`${dir}.lock`)).toBe(true);
    expect(await writeNew(folder)).toEqual([path.join(dir, 'report.json')]);
    folder.release();
    expect(readdirSync(path.dirname(dir))).toEqual(['crash-after']);
    expect(readFileSync(path.join(dir, 'report.json'), 'utf8')).toBe('{"new": true}');
  });

  test('that already holds a report is refused, and the report is kept', async () => {
    const dir = path.join(root, 'suite');
    oldSuiteReport(dir);
    await expect(claim(dir)).rejects.toThrow(UsageError);
    await expect(claim(dir)).rejects.toThrow(/already holds a report; give a new folder, or add --replace/);
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe('old index');
    expect(existsSync(`${dir}.lock`)).toBe(false);
  });

  test('with replace, the old report goes as a whole: no rehearsal folder of the last run is left in it', async () => {
    const dir = path.join(root, 'suite');
    oldSuiteReport(dir);
    const folder = await claim(dir, true);
    await writeNew(folder);
    folder.release();
    expect(readdirSync(dir)).toEqual(['report.json']);
  });

  test.each([
    ['a file of its own', (dir: string) => writeFileSync(path.join(dir, 'notes.txt'), 'mine')],
    [
      'a folder that is not a rehearsal report',
      (dir: string) => mkdirSync(path.join(dir, 'src', 'deep'), { recursive: true }),
    ],
  ])('that holds %s is refused even with replace, and nothing in it is touched', async (_what, fill) => {
    const dir = path.join(root, 'mine');
    mkdirSync(dir);
    fill(dir);
    const before = readdirSync(dir, { recursive: true });
    await expect(claim(dir, true)).rejects.toThrow(
      /holds files that are not a report; give a new or empty folder/,
    );
    expect(readdirSync(dir, { recursive: true })).toEqual(before);
  });

  test('that is a file is refused', async () => {
    const file = path.join(root, 'report');
    writeFileSync(file, '');
    await expect(claim(file)).rejects.toThrow(/is a file, not a folder/);
  });

  test('another run is writing is refused, with its pid; once it has released, it is free again', async () => {
    const dir = path.join(root, 'suite');
    const first = await claim(dir);
    await expect(claim(dir)).rejects.toThrow(
      new RegExp(
        `another rehearsal \\(pid ${process.pid}\\) is writing its report there; wait for it to end`,
      ),
    );
    first.release();
    (await claim(dir)).release();
  });

  test('whose lock a killed run left behind (its process is gone) is taken over', async () => {
    const dir = path.join(root, 'suite');
    writeFileSync(`${dir}.lock`, `${deadPid()}\n`);
    const folder = await claim(dir);
    expect(readFileSync(`${dir}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    folder.release();
    expect(readdirSync(root)).toEqual([]);
  });

  test('whose stale lock two runs race to take over is won by one: the later is refused, the lock kept', async () => {
    const dir = path.join(root, 'suite');
    const lock = `${dir}.lock`;
    writeFileSync(lock, `${deadPid()}\n`);
    // The other run (pid: this test's parent, alive) takes the stale lock over right after this run has
    // read it as stale, before this run acts on what it read.
    const other = process.ppid;
    const read = fs.readFileSync;
    let raced = false;
    const spy = jest.spyOn(fs, 'readFileSync').mockImplementation((...args: Parameters<typeof read>) => {
      const text = read(...args);
      if (args[0] === lock && !raced) {
        raced = true;
        rmSync(lock);
        writeFileSync(lock, `${other}\n`);
      }
      return text;
    });
    try {
      await expect(claim(dir)).rejects.toThrow(
        `another rehearsal (pid ${other}) is writing its report there`,
      );
    } finally {
      spy.mockRestore();
    }
    expect(raced).toBe(true);
    expect(readFileSync(lock, 'utf8')).toBe(`${other}\n`);
    expect(readdirSync(root)).toEqual(['suite.lock']);
  });

  test('whose stale lock another run is taking over right now is refused, naming that run', async () => {
    const dir = path.join(root, 'suite');
    writeFileSync(`${dir}.lock`, `${deadPid()}\n`);
    writeFileSync(`${dir}.lock.takeover`, `${process.ppid}\n`);
    await expect(claim(dir)).rejects.toThrow(
      `another rehearsal (pid ${process.ppid}) is taking over suite.lock; wait for it to end`,
    );
    expect(readdirSync(root).sort()).toEqual(['suite.lock', 'suite.lock.takeover']);
  });

  test('whose takeover a killed run left half-done is refused, saying which files to remove', async () => {
    const dir = path.join(root, 'suite');
    const gone = deadPid();
    writeFileSync(`${dir}.lock`, `${deadPid()}\n`);
    writeFileSync(`${dir}.lock.takeover`, `${gone}\n`);
    await expect(claim(dir)).rejects.toThrow(
      `suite.lock.takeover was left by a run that ended (pid ${gone}); remove it and suite.lock if no rehearsal is running`,
    );
  });

  test('a lock another process has created but not yet written its pid into counts as held', async () => {
    const dir = path.join(root, 'suite');
    writeFileSync(`${dir}.lock`, '');
    await expect(claim(dir)).rejects.toThrow(/another rehearsal \(pid \?\) is writing/);
  });

  test('a write that fails half-way (an interrupt, a full disk) leaves the previous report as it was', async () => {
    const dir = path.join(root, 'suite');
    oldSuiteReport(dir);
    const folder = await claim(dir, true);
    await expect(
      folder.write((staging) => {
        writeFileSync(path.join(staging, 'index.html'), 'half a new index');
        return Promise.reject(new Error('interrupted'));
      }),
    ).rejects.toThrow('interrupted');
    folder.release();
    expect(readFileSync(path.join(dir, 'index.html'), 'utf8')).toBe('old index');
    expect(readFileSync(path.join(dir, 'health-fail', 'report.json'), 'utf8')).toBe('{"old": true}');
    expect(readdirSync(root)).toEqual(['suite']);
  });

  test('release runs from the tracked exit handler too, once', async () => {
    const ends: (() => void)[] = [];
    const dir = path.join(root, 'suite');
    const folder = await ReportFolder.claim(dir, '--report', {
      replace: false,
      track: (end) => {
        ends.push(end);
        return () => ends.splice(ends.indexOf(end), 1);
      },
    });
    expect(ends).toHaveLength(1);
    ends[0]!();
    expect(existsSync(`${dir}.lock`)).toBe(false);
    expect(ends).toHaveLength(0);
    folder.release();
  });
});
