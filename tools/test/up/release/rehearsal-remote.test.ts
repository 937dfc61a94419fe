import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NO_UP_MESSAGE } from '../../../src/up/release/remote-hooks';
import { openRehearsalRemote, type RehearsalRemote } from '../../../src/up/release/rehearsal-remote';
import type { PushedCommit } from '../../../src/up/release/types';
import { git } from '../../helpers/temp-repo';

/**
 * `git push` as a person runs it: exit status and what git printed (the hooks' lines come as `remote:`).
 * Asynchronous: the remote's listener runs in this process and must answer the hooks meanwhile.
 */
const push = (cwd: string, ...args: string[]): Promise<{ code: number; output: string }> =>
  new Promise((resolve) => {
    const child = spawn('git', ['push', ...args], { cwd });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => resolve({ code: code ?? 1, output }));
  });

const commitFile = (dir: string, file: string, text: string): string => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
  git(dir, 'add', file);
  git(dir, 'commit', '--quiet', '-m', `change ${file}`);
  return git(dir, 'rev-parse', 'HEAD');
};

/** The pid of a process that has ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid;

/** Takes `count` pushes from the remote's iteration. */
async function take(remote: RehearsalRemote, count: number): Promise<PushedCommit[]> {
  const taken: PushedCommit[] = [];
  for await (const pushed of remote.pushes()) {
    taken.push(pushed);
    if (taken.length === count) break;
  }
  return taken;
}

describe('openRehearsalRemote, with real git pushes', () => {
  let repo: string;
  let opened: RehearsalRemote | undefined;
  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'rehearsal-remote-'));
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'config', 'user.email', 'up@example.com');
    git(repo, 'config', 'user.name', 'Up Test');
    git(repo, 'config', 'commit.gpgsign', 'false');
    commitFile(repo, 'README.md', 'first\n');
  });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
    rmSync(repo, { recursive: true, force: true });
  });
  const open = async (): Promise<RehearsalRemote> => (opened = await openRehearsalRemote(repo, () => {}));

  test('creates the bare remote in .rehearsal and adds it as the git remote rehearsal', async () => {
    const remote = await open();
    expect(remote.url).toBe(path.join(repo, '.rehearsal', 'remote.git'));
    expect(git(repo, 'remote', 'get-url', 'rehearsal')).toBe(remote.url);
    expect(git(remote.url, 'rev-parse', '--is-bare-repository')).toBe('true');
  });

  test('a push once the up that opened the remote has ended is refused, saying to start up', async () => {
    const remote = await open();
    await remote.close();
    opened = undefined;
    // The stopping marker names the pid of an up that has exited since.
    writeFileSync(path.join(repo, '.rehearsal', 'up.stopping'), `${deadPid()}\n`);
    const refused = await push(repo, 'rehearsal', 'main');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(NO_UP_MESSAGE);
    expect(spawnSync('git', ['rev-parse', '--verify', 'main'], { cwd: remote.url }).status).not.toBe(0);
  });

  test('pushes to main are accepted and yielded in the order git received them', async () => {
    const remote = await open();
    const first = git(repo, 'rev-parse', 'HEAD');
    const accepted = await push(repo, 'rehearsal', 'main');
    expect(accepted.code).toBe(0);
    expect(accepted.output).toContain(`main at ${first.slice(0, 12)} queued for release`);
    const second = commitFile(repo, 'app.txt', 'two\n');
    expect((await push(repo, 'rehearsal', 'main')).code).toBe(0);

    const taken = await take(remote, 2);
    expect(taken.map((p) => [p.commit, p.before])).toEqual([
      [first, '0'.repeat(40)],
      [second, first],
    ]);
  });

  test('a push to another branch is accepted and releases nothing', async () => {
    const remote = await open();
    git(repo, 'checkout', '--quiet', '-b', 'feature');
    commitFile(repo, 'feature.txt', 'x\n');
    const other = await push(repo, 'rehearsal', 'feature');
    expect(other.code).toBe(0);
    expect(other.output).toContain('refs/heads/feature: the pipeline releases main only');
    git(repo, 'checkout', '--quiet', 'main');
    await push(repo, 'rehearsal', 'main');
    const [only] = await take(remote, 1);
    expect(only?.commit).toBe(git(repo, 'rev-parse', 'main'));
  });

  test('pushHead pushes HEAD as the first release without queueing it', async () => {
    const remote = await open();
    const head = await remote.pushHead();
    expect(head).toMatchObject({ commit: git(repo, 'rev-parse', 'HEAD'), before: '0'.repeat(40) });
    expect(git(remote.url, 'rev-parse', 'main')).toBe(head.commit);
    const next = commitFile(repo, 'app.txt', 'two\n');
    await push(repo, 'rehearsal', 'main');
    const [queued] = await take(remote, 1);
    expect(queued).toMatchObject({ commit: next, before: head.commit });
  });

  test('a push after close, while the process lives, is refused as up stopping', async () => {
    const remote = await open();
    await remote.close();
    opened = undefined;
    const refused = await push(repo, 'rehearsal', 'main');
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain(`\`up\` (pid ${process.pid}) is stopping`);
  });

  test('keeps a rehearsal remote that already points at the bare repository', async () => {
    const remote = await open();
    await remote.close();
    opened = undefined;
    git(repo, 'remote', 'set-url', 'rehearsal', './.rehearsal/remote.git');
    await open();
    expect(git(repo, 'remote', 'get-url', 'rehearsal')).toBe('./.rehearsal/remote.git');
  });

  test('refuses a rehearsal remote that points elsewhere, and leaves it alone', async () => {
    git(repo, 'remote', 'add', 'rehearsal', 'https://example.com/other.git');
    await expect(open()).rejects.toThrow(
      /the git remote `rehearsal` points to https:\/\/example\.com\/other\.git, not to .*: rename it/,
    );
    expect(git(repo, 'remote', 'get-url', 'rehearsal')).toBe('https://example.com/other.git');
  });

  test('refuses a second listener while the first one lives', async () => {
    await open();
    await expect(openRehearsalRemote(repo, () => {})).rejects.toThrow(
      `another rehearsal (pid ${process.pid}) answers the rehearsal remote of this repository`,
    );
  });

  test('cleans up the socket and lock of an owner killed with SIGKILL', async () => {
    const remote = await open();
    await remote.close();
    opened = undefined;
    // An owner that listens on the socket and holds the lock, then is killed with SIGKILL.
    const socket = path.join(repo, '.rehearsal', 'up.sock');
    const owner = spawn(
      process.execPath,
      ['-e', `require('net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise((resolve) => owner.stdout.once('data', resolve));
    writeFileSync(`${socket}.lock`, `${owner.pid}\n`);
    writeFileSync(path.join(repo, '.rehearsal', 'up.stopping'), `${owner.pid}\n`);
    owner.kill('SIGKILL');
    await new Promise((resolve) => owner.once('exit', resolve));
    expect(existsSync(socket)).toBe(true);
    expect((await push(repo, 'rehearsal', 'main')).output).toContain(NO_UP_MESSAGE);

    const reopened = await open();
    expect((await push(repo, 'rehearsal', 'main')).code).toBe(0);
    const [taken] = await take(reopened, 1);
    expect(taken?.commit).toBe(git(repo, 'rev-parse', 'HEAD'));
  });
});
