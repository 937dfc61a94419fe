import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/*
 * A person at the gate, as two terminals: the compiled CLI's `local --gate` in one process, and
 * `continue --local` or `rollback --local` in another, started while the first holds. Both run in a repository of
 * their own (a temp folder with the built dist/), so a rehearsal running in the checkout is not theirs.
 */
const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'dist/tools/src/cli.js');
const HELD_WITHIN_MS = 40_000;

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function start(cwd: string, args: readonly string[]): Run {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

async function untilHeld(run: Run): Promise<void> {
  const deadline = Date.now() + HELD_WITHIN_MS;
  while (!run.output().includes('HELD before production traffic')) {
    if (Date.now() > deadline || run.child.exitCode !== null)
      throw new Error(`the rehearsal did not hold:\n${run.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('rehearse local --gate, with continue --local and rollback --local from another terminal', () => {
  let repo: string;
  const started: Run[] = [];
  beforeEach(() => {
    repo = mkdtempSync(path.join(tmpdir(), 'gate-repo-'));
    symlinkSync(path.join(ROOT, 'dist'), path.join(repo, 'dist'));
    symlinkSync(path.join(ROOT, 'node_modules'), path.join(repo, 'node_modules'));
  });
  afterEach(() => {
    for (const run of started.splice(0)) run.child.kill('SIGKILL');
    rmSync(repo, { recursive: true, force: true });
  });

  it('holds CodeDeploy before production traffic until continue, then completes the release', async () => {
    const local = start(repo, [
      'local',
      '--gate',
      '--gate-timeout',
      '30m',
      '--time-scale',
      '30',
      '--config',
      'CodeDeployDefault.ECSAllAtOnce',
    ]);
    started.push(local);
    await untilHeld(local);
    expect(local.output()).not.toMatch(/production: [1-9]\d* % green/);

    const cont = start(repo, ['continue', '--local']);
    started.push(cont);
    expect(await cont.exited).toBe(0);
    expect(cont.output()).toContain('Released the hold');

    expect(await local.exited).toBe(0);
    expect(local.output()).toContain('hold ended by continue');
    expect(local.output()).toMatch(/^ {2}outcome: +succeeded$/m);
    expect(local.output()).toMatch(/^ {2}gate: +held at .* by a person: continue/m);
  }, 90_000);

  it('holds native ECS until rollback, which returns everything to blue and says a person stopped it', async () => {
    const local = start(repo, ['local', '--controller', 'ecs', '--gate', '--time-scale', '30']);
    started.push(local);
    await untilHeld(local);

    const rollback = start(repo, ['rollback', '--local']);
    started.push(rollback);
    expect(await rollback.exited).toBe(0);
    expect(rollback.output()).toContain(
      'StopServiceDeployment with stopType ROLLBACK); it ended rolled-back',
    );

    expect(await local.exited).toBe(0);
    const out = local.output();
    expect(out).toContain('stopped by hand (rollback)');
    expect(out).toMatch(/^ {2}outcome: +rolled-back$/m);
    expect(out).toMatch(/production traffic reached green: no/);
    expect(out).toMatch(/^ {2}matched: +not compared: a person stopped the deployment/m);

    const after = start(repo, ['continue', '--local']);
    started.push(after);
    expect(await after.exited).toBe(1);
    expect(after.output()).toContain('No local rehearsal is running');
  }, 90_000);
});
