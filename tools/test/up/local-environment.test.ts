import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deploymentConfig } from '../../../contract/deployment-configs';
import { TASKDEF_FILE } from '../../../contract/release-file-names';
import { taskdefWithFaults } from '../../../contract/test/support/taskdef-fixture';
import { accepts, freePort } from '../../src/local/free-port';
import { currentRelease, readReleaseEvents, RELEASES_FOLDER } from '../../src/up/release-log';
import { runUp, type UpRemote, type UpSummary } from '../../src/up/run-up';
import type { BuiltRelease, PushedCommit } from '../../src/up/release/types';
import { deploySettingsGate, gateFlags } from '../../src/args/gate-flags';
import { sendControl } from '../../src/local/control/control-client';
import { deploySettingsRoot } from '../../src/up/release-image';
import { PortInUse } from '../../src/up/environment/local-environment';

/*
 * The long-lived environment with real task processes (the compiled service in dist/, built by the global
 * setup) behind real listeners, and a builder that renders taskdef.json per commit instead of building.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CONFIG = deploymentConfig('CodeDeployDefault.ECSAllAtOnce')!;

/** Pushes the test makes, read by `up` in order. */
class FakeRemote implements UpRemote {
  readonly url = '/nowhere/remote.git';
  readonly remoteName = 'rehearsal';
  private readonly waiting: PushedCommit[] = [];
  private wake: (() => void) | undefined;
  private closed = false;

  constructor(private readonly head: PushedCommit) {}

  push(commit: string): void {
    this.waiting.push({ commit, before: '0'.repeat(40), receivedAt: Date.now() });
    this.wake?.();
  }

  pushHead(): Promise<PushedCommit> {
    return Promise.resolve(this.head);
  }

  async *pushes(): AsyncGenerator<PushedCommit> {
    for (;;) {
      const next = this.waiting.shift();
      if (next) yield next;
      else if (this.closed) return;
      else await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    return Promise.resolve();
  }
}

/** What each fake commit builds to: its faults, or a failed build. */
const COMMITS: Record<string, { faults: string; gated?: true } | { fails: string }> = {
  ['a'.repeat(40)]: { faults: '' },
  ['b'.repeat(40)]: { faults: 'health-fail' },
  ['c'.repeat(40)]: { fails: 'npm test: exit 1' },
  ['d'.repeat(40)]: { faults: '' },
  // deploy-settings.json in the commit: a gate of 60 minutes (one real minute at time scale 60).
  ['e'.repeat(40)]: { faults: '', gated: true },
};

const versionOf = (commit: string): string => `v-${commit.slice(0, 7)}`;

function fakeBuilder(dir: string) {
  return (push: PushedCommit): Promise<BuiltRelease> => {
    const plan = COMMITS[push.commit]!;
    const base = {
      commit: push.commit,
      reused: false,
      logFile: path.join(dir, 'build.log'),
      sourceMs: 5,
      buildMs: 10,
    };
    if ('fails' in plan) {
      writeFileSync(base.logFile, `== phase pre_build\n\nFAIL app/test/example.test.ts\n${plan.fails}\n`);
      return Promise.resolve({ ...base, outcome: 'failed', detail: plan.fails });
    }
    const releaseDir = path.join(dir, push.commit.slice(0, 7));
    mkdirSync(releaseDir, { recursive: true });
    const taskdef = taskdefWithFaults(plan.faults).replace('{{APP_VERSION}}', versionOf(push.commit));
    writeFileSync(path.join(releaseDir, TASKDEF_FILE), taskdef);
    if ('gated' in plan)
      writeFileSync(
        path.join(releaseDir, 'deploy-settings.json'),
        JSON.stringify({ gate: { waitMinutes: 60, onTimeout: 'rollback' } }),
      );
    return Promise.resolve({
      ...base,
      outcome: 'released',
      detail: 'built',
      releaseDir,
      image: { digest: 'sha256:0', uri: 'local/app@sha256:0', runnable: { kind: 'folder', dir: ROOT } },
    });
  };
}

async function versionAt(url: string): Promise<{ status: number; version: string | null }> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return { status: response.status, version: response.headers.get('x-app-version') };
}

async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the local environment of up, with a fake builder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'up-env-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps blue serving through a rollback and a failed build, then serves the next good release', async () => {
    const port = await freePort();
    const remote = new FakeRemote({ commit: 'a'.repeat(40), before: '0'.repeat(40), receivedAt: Date.now() });
    const abort = new AbortController();
    const lines: string[] = [];
    let urls: { production: string; test: string } | undefined;
    const running = runUp({
      repoRoot: dir,
      toolsRoot: ROOT,
      port,
      controller: 'codedeploy',
      config: CONFIG,
      timeScale: 60,
      rate: 10,
      container: false,
      env: {},
      signal: abort.signal,
      openRemote: () => Promise.resolve(remote),
      build: fakeBuilder(dir),
      say: (line) => lines.push(line),
      onEvent: () => undefined,
      onReady: (ready) => (urls = ready),
    });
    const ended = (n: number): boolean => lines.some((l) => l.startsWith(`#${n} release ${n} `));

    await until('the first release', () => ended(1));
    expect(urls!.production).toBe(`http://127.0.0.1:${port}`);
    expect(urls!.test).toBe(`http://127.0.0.1:${port + 1}`);
    expect(await versionAt(urls!.production)).toEqual({ status: 200, version: versionOf('a'.repeat(40)) });

    // While green fails its health checks and is rolled back, production answers from blue only.
    remote.push('b'.repeat(40));
    remote.push('c'.repeat(40));
    const seen: { status: number; version: string | null }[] = [];
    while (!ended(3)) seen.push(await versionAt(urls!.production));
    expect(seen.length).toBeGreaterThan(5);
    expect(new Set(seen.map((s) => `${s.status} ${s.version}`))).toEqual(
      new Set([`200 ${versionOf('a'.repeat(40))}`]),
    );

    remote.push('d'.repeat(40));
    await until('the fourth release', () => ended(4));
    expect(await versionAt(urls!.production)).toEqual({ status: 200, version: versionOf('d'.repeat(40)) });
    expect(await versionAt(urls!.test)).toEqual({ status: 200, version: versionOf('d'.repeat(40)) });

    abort.abort();
    const summary: UpSummary = await running;
    expect(summary.releases.map((r) => r.verdict)).toEqual(['created', 'rolled-back', 'failed', 'succeeded']);
    expect(lines.join('\n')).toMatch(/release 3 failed: Build failed: npm test: exit 1/);
    // The failed command's last output, before the failure line, so nobody has to open the log.
    expect(lines.join('\n')).toMatch(/\| FAIL app\/test\/example\.test\.ts\n.*\| npm test: exit 1/);
    expect(lines.join('\n')).toMatch(/release 3 of c{12} queued behind release 2/);
    expect(await accepts('127.0.0.1', port)).toBe(false);
    expect(await accepts('127.0.0.1', port + 1)).toBe(false);

    const releases = path.join(dir, RELEASES_FOLDER);
    expect(readdirSync(releases).sort()).toEqual([
      '1-aaaaaaaaaaaa',
      '2-bbbbbbbbbbbb',
      '3-cccccccccccc',
      '4-dddddddddddd',
      'current',
    ]);
    expect(currentRelease(dir)).toBe('4-dddddddddddd');
    for (const file of ['report.md', 'report.json', 'report.html'])
      expect(existsSync(path.join(releases, '2-bbbbbbbbbbbb', file))).toBe(true);
    const second = readReleaseEvents(dir, '2-bbbbbbbbbbbb', 0).events;
    expect(second.at(-1)).toMatchObject({ type: 'verdict', verdict: 'rolled-back' });
    expect(second.some((e) => e.type === 'deployment' && e.event.type === 'stop')).toBe(true);
  }, 120_000);

  it('numbers on after the releases an earlier up left', async () => {
    const releases = path.join(dir, RELEASES_FOLDER);
    mkdirSync(path.join(releases, '4-dddddddddddd'), { recursive: true });
    const abort = new AbortController();
    const lines: string[] = [];
    const running = runUp({
      repoRoot: dir,
      toolsRoot: ROOT,
      port: await freePort(),
      controller: 'ecs',
      config: CONFIG,
      timeScale: 60,
      rate: 10,
      container: false,
      env: {},
      signal: abort.signal,
      openRemote: () =>
        Promise.resolve(new FakeRemote({ commit: 'a'.repeat(40), before: '0'.repeat(40), receivedAt: 0 })),
      build: fakeBuilder(dir),
      say: (line) => lines.push(line),
      onEvent: () => undefined,
    });
    await until('the first release', () => lines.some((l) => l.startsWith('#5 release 5 created')));
    abort.abort();
    expect((await running).releases.map((r) => [r.number, r.verdict])).toEqual([[5, 'created']]);
    expect(currentRelease(dir)).toBe('5-aaaaaaaaaaaa');
  }, 60_000);

  /** `up` with the fake remote and builder, its gate read from each commit as the command reads it. */
  /** `startUp`, again on other ports when another process took the test listener's port meanwhile. */
  async function startUp(head: string): Promise<Awaited<ReturnType<typeof startUpOnce>>> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await startUpOnce(head);
      } catch (error) {
        if (!(error instanceof PortInUse) || attempt === 3) throw error;
      }
    }
  }

  async function startUpOnce(head: string) {
    const remote = new FakeRemote({ commit: head, before: '0'.repeat(40), receivedAt: Date.now() });
    const abort = new AbortController();
    const lines: string[] = [];
    const held: number[] = [];
    let urls: { production: string; test: string } | undefined;
    const running = runUp({
      repoRoot: dir,
      toolsRoot: ROOT,
      port: await freePort(),
      controller: 'codedeploy',
      config: CONFIG,
      timeScale: 60,
      rate: 10,
      container: false,
      env: {},
      signal: abort.signal,
      openRemote: () => Promise.resolve(remote),
      build: fakeBuilder(dir),
      say: (line) => lines.push(line),
      onEvent: () => undefined,
      onReady: (ready) => (urls = ready),
      gateFor: (built) =>
        gateFlags({}, 'codedeploy', () => {
          const root = deploySettingsRoot(built);
          return root === undefined ? undefined : deploySettingsGate(root, 'codedeploy');
        }),
      onHeld: (release) => held.push(release),
    });
    const ended = (n: number): boolean => lines.some((l) => l.startsWith(`#${n} release ${n} `));
    let failed: Error | undefined;
    running.catch((error: unknown) => (failed = error instanceof Error ? error : new Error(String(error))));
    await until('the first release', () => {
      if (failed !== undefined) throw failed;
      return ended(1);
    });
    return { remote, abort, lines, held, urls: urls!, running, ended };
  }

  it('holds a gated commit at its gate until continue --local, and refuses undo meanwhile', async () => {
    const up = await startUp('a'.repeat(40));
    up.remote.push('e'.repeat(40));
    await until('the hold', () => up.held.includes(2));
    expect(await versionAt(up.urls.test)).toEqual({ status: 200, version: versionOf('e'.repeat(40)) });
    expect(await versionAt(up.urls.production)).toEqual({ status: 200, version: versionOf('a'.repeat(40)) });
    const undo = await sendControl(dir, 'undo');
    expect(undo).toMatchObject({ ok: false, reached: true });
    expect(undo.message).toMatch(/Release 2 is in progress.*rollback --local/);
    const resumed = await sendControl(dir, 'continue');
    expect(resumed).toMatchObject({ ok: true, reached: true });
    await until('the second release', () => up.ended(2));
    expect(await versionAt(up.urls.production)).toEqual({ status: 200, version: versionOf('e'.repeat(40)) });
    up.abort.abort();
    expect((await up.running).releases.map((r) => r.verdict)).toEqual(['created', 'succeeded']);
    const events = readReleaseEvents(dir, '2-eeeeeeeeeeee', 0).events;
    expect(events.some((e) => e.type === 'deployment' && e.event.type === 'held')).toBe(true);
    expect(existsSync(path.join(dir, '.rehearsal', 'control.sock'))).toBe(false);
  }, 120_000);

  it('stops a release in progress with rollback --local: blue goes on serving, the record says by hand', async () => {
    const up = await startUp('a'.repeat(40));
    expect((await sendControl(dir, 'rollback')).message).toMatch(/No deployment in progress/);
    up.remote.push('e'.repeat(40));
    await until('the hold', () => up.held.includes(2));
    const stopped = await sendControl(dir, 'rollback');
    expect(stopped).toMatchObject({ ok: true, reached: true });
    expect(stopped.message).toMatch(/with rollback .*ended rolled-back/);
    await until('the second release', () => up.ended(2));
    expect(await versionAt(up.urls.production)).toEqual({ status: 200, version: versionOf('a'.repeat(40)) });
    up.abort.abort();
    expect((await up.running).releases.map((r) => r.verdict)).toEqual(['created', 'rolled-back']);
    const events = readReleaseEvents(dir, '2-eeeeeeeeeeee', 0).events;
    expect(events.some((e) => e.type === 'deployment' && e.event.type === 'stopped-by-hand')).toBe(true);
  }, 120_000);

  it('undo --local releases the previous successful release again, and says how to revert the commit', async () => {
    const up = await startUp('a'.repeat(40));
    const nothing = await sendControl(dir, 'undo');
    expect(nothing).toMatchObject({ ok: false, reached: true });
    expect(nothing.message).toMatch(/Nothing to go back to: release 1 is the only one/);
    up.remote.push('d'.repeat(40));
    await until('the second release', () => up.ended(2));
    expect(await versionAt(up.urls.production)).toEqual({ status: 200, version: versionOf('d'.repeat(40)) });

    const undo = await sendControl(dir, 'undo');
    expect(undo).toMatchObject({ ok: true, reached: true });
    expect(undo.message).toContain(
      'release 3 releases release 1 again (task definition revision 1, commit aaaaaaaaaaaa)',
    );
    expect(undo.message).toContain(`git revert ${'d'.repeat(40)} && git push rehearsal HEAD:main`);
    // A push during the undo waits its turn behind it.
    up.remote.push('b'.repeat(40));
    await until('the undo', () => up.ended(3));
    expect(await versionAt(up.urls.production)).toEqual({ status: 200, version: versionOf('a'.repeat(40)) });
    await until('the queued push', () => up.ended(4));
    up.abort.abort();
    const summary = await up.running;
    expect(summary.releases.map((r) => [r.number, r.commit.slice(0, 1), r.verdict])).toEqual([
      [1, 'a', 'created'],
      [2, 'd', 'succeeded'],
      [3, 'a', 'succeeded'],
      [4, 'b', 'rolled-back'],
    ]);
    expect(up.lines.join('\n')).toMatch(/release 4 of b{12} queued behind release 3/);
    const undone = readReleaseEvents(dir, '3-aaaaaaaaaaaa', 0).events;
    expect(undone.some((e) => e.type === 'deployment' && e.event.type === 'hook')).toBe(true);
  }, 180_000);
});
