import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseBuildspec } from '../../src/release-build/buildspec';
import { runPhases } from '../../src/release-build/run-phases';
import { createShellSession } from '../../src/release-build/shell-session';

let dir: string;
let output: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'run-phases-'));
  output = '';
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a buildspec's phases in a real bash session; what the commands print is returned as `output`. */
async function run(phases: string) {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const session = createShellSession({
    cwd: dir,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    stateDir: dir,
    stdout: stream,
    stderr: stream,
  });
  const spec = parseBuildspec(
    `version: 0.2\nenv:\n  shell: bash\nphases:\n${phases}\nartifacts:\n  files: [x]\n`,
  );
  let tick = 0;
  return runPhases(spec, { session, log: () => undefined, now: () => (tick += 1000) });
}

describe('running the phases', () => {
  it('runs install, pre_build, build and post_build in that order', async () => {
    const result = await run(
      [
        '  post_build:\n    commands: [echo post_build]',
        '  build:\n    commands: [echo build]',
        '  pre_build:\n    commands: [echo pre_build]',
        '  install:\n    commands: [echo install]',
      ].join('\n'),
    );
    expect(output.trim().split('\n')).toEqual(['install', 'pre_build', 'build', 'post_build']);
    expect(result.succeeded).toBe(true);
  });

  it('carries variables, exported or not, and the directory from command to command and phase to phase', async () => {
    await run(
      [
        '  install:',
        '    commands:',
        '      - export EXPORTED=one',
        '      - PLAIN="two words"',
        '      - mkdir -p sub && cd sub',
        '  build:',
        '    commands:',
        '      - echo "$EXPORTED|$PLAIN|$(basename "$PWD")"',
      ].join('\n'),
    );
    expect(output.trim()).toBe('one|two words|sub');
  });

  it('keeps `set -e` within the command that set it, as each command reports its own status', async () => {
    const result = await run(
      ['  build:', '    commands:', '      - set -e; true', '      - false || echo still-running'].join('\n'),
    );
    expect(output.trim()).toBe('still-running');
    expect(result.succeeded).toBe(true);
  });

  it('with on-failure ABORT stops at the failed command and runs no later phase', async () => {
    const result = await run(
      [
        '  install:',
        '    on-failure: ABORT',
        '    commands:',
        '      - echo first',
        '      - exit 3',
        '      - echo never',
        '  build:',
        '    commands: [echo never-built]',
        '  post_build:',
        '    commands: [echo never-post]',
      ].join('\n'),
    );
    expect(output.trim()).toBe('first');
    expect(result.succeeded).toBe(false);
    expect(result.phases.map((p) => [p.name, p.status])).toEqual([
      ['install', 'FAILED'],
      ['build', 'NOT_RUN'],
      ['post_build', 'NOT_RUN'],
    ]);
    expect(result.phases[0]!.failure).toEqual({ command: 'exit 3', exitCode: 3 });
  });

  it('without on-failure runs post_build after a failed build, telling it through CODEBUILD_BUILD_SUCCEEDING', async () => {
    const result = await run(
      [
        '  build:\n    commands: [echo "build $CODEBUILD_BUILD_SUCCEEDING", "false"]',
        '  post_build:\n    commands: [echo "post $CODEBUILD_BUILD_SUCCEEDING"]',
      ].join('\n'),
    );
    expect(output.trim().split('\n')).toEqual(['build 1', 'post 0']);
    expect(result.succeeded).toBe(false);
  });

  it('with on-failure CONTINUE goes on to the next phase and still fails the build', async () => {
    const result = await run(
      [
        '  pre_build:\n    on-failure: CONTINUE\n    commands: ["false"]',
        '  build:\n    commands: [echo built]',
      ].join('\n'),
    );
    expect(output.trim()).toBe('built');
    expect(result.succeeded).toBe(false);
  });

  it('runs finally after a failed command and measures each phase', async () => {
    const result = await run('  build:\n    commands: ["false"]\n    finally: [echo cleaned]');
    expect(output.trim()).toBe('cleaned');
    expect(result.phases[0]!.durationMs).toBeGreaterThan(0);
  });
});
