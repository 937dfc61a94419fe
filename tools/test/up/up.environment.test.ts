import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accepts, freePort } from '../../src/local/free-port';

/*
 * The card's workflow as a person runs it, in a temp clone of this repository: the real `up` (no container),
 * a flip pushed to the rehearsal remote and rolled back while a real curl loop runs, `watch --local`, a
 * clear pushed and served, then `down`, and nothing left behind. The first release runs the whole
 * buildspec (npm ci, lint, type check, release tests): minutes on a small machine; the flips reuse its image.
 */
const ROOT = path.resolve(__dirname, '../../..');
const FIRST_RELEASE_MS = 25 * 60_000;
const RELEASE_MS = 5 * 60_000;

interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function start(cwd: string, command: string, args: readonly string[]): Running {
  const child = spawn(command, args, {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

const rehearse = (cwd: string, ...args: string[]): Running =>
  start(cwd, process.execPath, ['tools/bin/rehearse.js', ...args]);

async function until(
  what: string,
  check: () => boolean,
  limitMs: number,
  output: () => string,
): Promise<void> {
  const end = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; output so far:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The promise's value, or 'timeout' after `ms` (the timer never outlives the test). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

/** Processes whose command line or working directory is in `dir`. */
function processesIn(dir: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .flatMap((pid) => {
      try {
        const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
        const cwd = readlinkSync(`/proc/${pid}/cwd`);
        return cmd.includes(dir) || cwd.startsWith(dir) ? [`${pid}: ${cmd}`] : [];
      } catch {
        return [];
      }
    });
}

/** A curl loop as the README gives it, printing each answer's status and version. */
const curlLoop = (url: string): Running =>
  start(tmpdir(), 'bash', [
    '-c',
    `for i in $(seq 1 400); do curl -s -o /dev/null -w "%{http_code} %header{x-app-version}\\n" ${url}/; sleep 0.25; done`,
  ]);

describe('up, a flip pushed and rolled back, a clear pushed and served, down', () => {
  let root: string;
  let repo: string;
  let up: Running | undefined;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'up-e2e-'));
    repo = path.join(root, 'repo');
    git(root, 'clone', '--quiet', ROOT, repo);
    symlinkSync(realpathSync(path.join(ROOT, 'node_modules')), path.join(repo, 'node_modules'));
    git(repo, 'config', 'user.email', 'up@example.com');
    git(repo, 'config', 'user.name', 'Up Test');
    git(repo, 'config', 'commit.gpgsign', 'false');
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: repo, stdio: 'ignore' });
  }, 120_000);
  afterAll(async () => {
    if (up && up.child.exitCode === null) {
      up.child.kill('SIGKILL');
      await up.exited;
    }
    rmSync(root, { recursive: true, force: true });
  });

  it(
    'keeps the old version answering 200 through the rollback, then serves the new one; down leaves nothing',
    async () => {
      const port = await freePort();
      const production = `http://127.0.0.1:${port}`;
      const head = git(repo, 'rev-parse', 'HEAD');
      up = rehearse(repo, 'up', '--time-scale', '60', '--port', String(port));
      await until('the first lines', () => up!.output().includes('push to'), 60_000, up.output);
      expect(up.output()).toContain(`production  ${production}`);
      expect(up.output()).toContain(`test        http://127.0.0.1:${port + 1}`);
      expect(up.output()).toContain('git push rehearsal HEAD:main');
      await until(
        'release 1',
        () => /#1 release 1 (created|failed)/.test(up!.output()),
        FIRST_RELEASE_MS,
        up.output,
      );
      expect(up.output()).toMatch(/#1 release 1 created/);
      const blue = (await fetch(`${production}/`)).headers.get('x-app-version');
      expect(blue).toBe(head);

      expect(await rehearse(repo, 'flip', 'health-fail', '--commit').exited).toBe(0);
      const flip = git(repo, 'rev-parse', 'HEAD');
      const curl = curlLoop(production);
      git(repo, 'push', '--quiet', 'rehearsal', 'HEAD:main');
      const watch = rehearse(repo, 'watch', '--local', '--commit', flip);
      expect(await within(watch.exited, RELEASE_MS)).toBe(1);
      expect(watch.output()).toMatch(/Build\/TestAndBuildImage Succeeded/);
      expect(watch.output()).toMatch(/failed and was rolled back/);
      // At time scale 60 the rollback takes a second or two: the loop goes on a while after it, as a person's
      // would, so that what users see after the rollback is in the sample too.
      const answered = (): number => curl.output().trim().split('\n').filter(Boolean).length;
      await until('20 answers to the curl loop', () => answered() >= 20, 30_000, curl.output);
      curl.child.kill('SIGTERM');
      await curl.exited;
      const answers = curl.output().trim().split('\n');
      expect(answers.length).toBeGreaterThanOrEqual(20);
      expect(new Set(answers)).toEqual(new Set([`200 ${head}`]));

      expect(await rehearse(repo, 'flip', '--clear', '--commit').exited).toBe(0);
      const clear = git(repo, 'rev-parse', 'HEAD');
      git(repo, 'push', '--quiet', 'rehearsal', 'HEAD:main');
      const second = rehearse(repo, 'watch', '--local', '--commit', clear);
      expect(await within(second.exited, RELEASE_MS)).toBe(0);
      expect((await fetch(`${production}/`)).headers.get('x-app-version')).toBe(clear);

      const down = rehearse(repo, 'down');
      expect(await down.exited).toBe(0);
      expect(await up.exited).toBe(0);
      expect(up.output()).toMatch(/up stopped after 3 release\(s\)/);
      expect(up.output()).toMatch(/#2 \w{12} rolled-back/);
      expect(up.output()).toMatch(/#3 \w{12} succeeded/);
      expect(await accepts('127.0.0.1', port)).toBe(false);
      expect(await accepts('127.0.0.1', port + 1)).toBe(false);
      expect(processesIn(repo)).toEqual([]);
      const after = rehearse(repo, 'down');
      expect(await after.exited).toBe(1);
    },
    FIRST_RELEASE_MS + 3 * RELEASE_MS,
  );
});
