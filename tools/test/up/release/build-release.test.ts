import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildRelease } from '../../../src/up/release/build-release';
import type { ReleaseBuilderOptions } from '../../../src/up/release/types';
import { git } from '../../helpers/temp-repo';

/** A buildspec of a few shell commands: the build's machinery without npm, so the test takes a second. */
const buildspec = (preBuild: readonly string[]): string =>
  [
    'version: 0.2',
    'env:',
    '  shell: bash',
    'phases:',
    '  install:',
    '    commands:',
    '      - echo installing',
    '  pre_build:',
    '    commands:',
    ...preBuild.map((command) => `      - ${JSON.stringify(command)}`),
    'artifacts:',
    '  base-directory: release',
    '  files:',
    '    - taskdef.json',
    '',
  ].join('\n');

describe('buildRelease', () => {
  let repo: string;
  let remote: string;
  const options = (): ReleaseBuilderOptions => ({
    repoRoot: repo,
    container: false,
    log: () => {},
    signal: new AbortController().signal,
  });
  const commit = (files: Record<string, string>): string => {
    for (const [file, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
      writeFileSync(path.join(repo, file), text);
    }
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'change');
    // Into the rehearsal's bare remote, as a push that the running up accepted leaves it.
    git(repo, 'push', '--quiet', remote, 'HEAD:refs/heads/main');
    return git(repo, 'rev-parse', 'HEAD');
  };

  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'build-release-'));
    remote = path.join(repo, '.rehearsal', 'remote.git');
    git(repo, 'init', '--quiet', '--initial-branch=main');
    git(repo, 'config', 'user.email', 'up@example.com');
    git(repo, 'config', 'user.name', 'Up Test');
    git(repo, 'config', 'commit.gpgsign', 'false');
    execFileSync('git', ['init', '--quiet', '--bare', remote]);
    writeFileSync(path.join(repo, '.gitignore'), '.rehearsal/\n');
  });
  afterEach(() => rmSync(repo, { recursive: true, force: true }));

  test('a failing command fails the release at Build, naming the phase and the command', async () => {
    const sha = commit({ 'buildspec.yml': buildspec(['echo checking', 'test -f missing.txt']) });

    const built = await buildRelease({ commit: sha, before: '0'.repeat(40), receivedAt: 1 }, options());

    expect(built.outcome).toBe('failed');
    expect(built.detail).toMatch(/^Build failed in phase pre_build: `test -f missing\.txt` exited 1/);
    expect(built.releaseDir).toBeUndefined();
    const log = readFileSync(built.logFile, 'utf8');
    expect(log).toContain('installing');
    expect(log).toContain('[pre_build] Command did not exit successfully test -f missing.txt exit status 1');
    // The export goes when the build ends; the log stays.
    expect(existsSync(path.join(path.dirname(built.logFile), 'src'))).toBe(false);
  });

  test("ends the command and removes the export a killed up's build left, keeping its log", async () => {
    const killed = path.join(repo, '.rehearsal', 'builds', '20260101T000000000Z-dead');
    const session = path.join(killed, 'session');
    mkdirSync(path.join(killed, 'src', 'node_modules'), { recursive: true });
    mkdirSync(session);
    writeFileSync(path.join(killed, 'build.log'), 'killed\n');
    // The command that build was running, still going: its command line names the session folder.
    const command = spawn('bash', ['-c', `sleep 30 & wait # ${session}/session.sh`], {
      detached: true,
      stdio: 'ignore',
    });
    const ended = new Promise((resolve) => command.once('exit', resolve));
    writeFileSync(path.join(session, 'command.pid'), `${command.pid}\n`);
    const sha = commit({ 'buildspec.yml': buildspec(['false']) });

    await buildRelease({ commit: sha, before: '0'.repeat(40), receivedAt: 1 }, options());

    await ended;
    expect(existsSync(path.join(killed, 'src'))).toBe(false);
    expect(existsSync(path.join(killed, 'build.log'))).toBe(true);
  });

  test('builds the commit without .git: a command that needs git history fails', async () => {
    const sha = commit({ 'buildspec.yml': buildspec(['test ! -e .git', 'git rev-parse HEAD']) });

    const built = await buildRelease({ commit: sha, before: '0'.repeat(40), receivedAt: 1 }, options());

    expect(built.detail).toContain('`git rev-parse HEAD` exited');
  });

  test('a push that changes only documentation is skipped, as the trigger filter does', async () => {
    const first = commit({ 'buildspec.yml': buildspec(['false']) });
    const docs = commit({ 'docs/notes.md': '# notes\n', 'README.md': 'readme\n' });

    const built = await buildRelease({ commit: docs, before: first, receivedAt: 2 }, options());

    expect(built.outcome).toBe('skipped');
    expect(built.detail).toContain(
      "the push changed only README.md, docs/notes.md, which the pipeline's trigger",
    );
    expect(built.buildMs).toBe(0);
  });

  test('a push that changes documentation and anything else is built', async () => {
    const first = commit({ 'buildspec.yml': buildspec(['false']) });
    const mixed = commit({ 'docs/notes.md': '# notes\n', 'app.txt': 'x\n' });

    const built = await buildRelease({ commit: mixed, before: first, receivedAt: 2 }, options());

    expect(built.outcome).toBe('failed');
    expect(built.detail).toContain('`false` exited 1');
  });
});
