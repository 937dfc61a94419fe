/**
 * `npm run synth`'s entry (`pipeline/bin/run-app.js`) run once per Jest run, in a child process, with the
 * pipeline context, `-c desiredCount=3` and a `docker` on PATH that records any call. cdk-nag and the Control
 * Tower controls run on that synthesis, so the tests of the entry and of the controls read one cloud assembly
 * instead of synthesizing the whole app each. The first test file to ask runs it; the others, in this or
 * another worker, wait for it in the directory the global setup made for the run.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');

/** The context given with `-c`: the release pipeline's keys, and one override the entry must honour. */
export const REAL_APP_CONTEXT = {
  githubConnectionArn:
    'arn:aws:codeconnections:us-east-1:123456789012:connection/12345678-1234-1234-1234-123456789012',
  githubOwner: 'owner',
  githubRepo: 'repo',
  desiredCount: '3',
} as const;

/** Longer than one synthesis on a loaded two-core machine: the waiters' budget too. */
const SYNTH_TIMEOUT_MS = 150_000;
const POLL_MS = 250;

export interface RealAppSynth {
  /** The cloud assembly directory. */
  readonly outdir: string;
  /** The arguments of every `docker` call the synthesis made, one per line; empty when there was none. */
  readonly dockerCalls: string;
  /** Parses a file of the cloud assembly. */
  read<T>(name: string): T;
}

/** The directory the test files of one run share: made by `jest.global-setup.js`, removed after the run. */
function runDirectory(): string {
  const shared = process.env.JEST_RUN_CACHE_DIR;
  if (shared === undefined || !fs.existsSync(shared)) {
    throw new Error(
      `JEST_RUN_CACHE_DIR (${String(shared)}) is not a directory: run the tests with jest.config.js, whose global setup makes it`,
    );
  }
  return shared;
}

async function synthesize(dir: string): Promise<void> {
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(
    path.join(bin, 'docker'),
    `#!/bin/sh\necho "$@" >> '${path.join(dir, 'docker-calls')}'\nexit 1\n`,
    {
      mode: 0o755,
    },
  );
  const args = Object.entries(REAL_APP_CONTEXT).flatMap(([key, value]) => ['-c', `${key}=${value}`]);
  await run(process.execPath, [path.join(root, 'pipeline', 'bin', 'run-app.js'), ...args], {
    cwd: root,
    env: {
      PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
      HOME: dir,
      CDK_OUTDIR: path.join(dir, 'out'),
    },
    timeout: SYNTH_TIMEOUT_MS,
  });
}

async function waitFor(done: string, failed: string): Promise<void> {
  const deadline = Date.now() + SYNTH_TIMEOUT_MS;
  while (!fs.existsSync(done)) {
    if (fs.existsSync(failed))
      throw new Error(`the shared synthesis failed: ${fs.readFileSync(failed, 'utf8')}`);
    if (Date.now() > deadline)
      throw new Error(`the shared synthesis did not finish within ${SYNTH_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Synthesizes the real app, or waits for the synthesis another test file of this run started. */
export async function synthesizeRealApp(): Promise<RealAppSynth> {
  const dir = path.join(runDirectory(), 'real-app');
  const done = path.join(runDirectory(), 'real-app.done');
  const failed = path.join(runDirectory(), 'real-app.failed');
  let owner = true;
  try {
    // mkdir is atomic: exactly one test file of the run creates it and synthesizes.
    fs.mkdirSync(dir);
  } catch {
    owner = false;
  }
  if (owner) {
    try {
      await synthesize(dir);
      fs.writeFileSync(done, '');
    } catch (error) {
      fs.writeFileSync(failed, error instanceof Error ? error.message : String(error));
      throw error;
    }
  } else {
    await waitFor(done, failed);
  }
  const calls = path.join(dir, 'docker-calls');
  return {
    outdir: path.join(dir, 'out'),
    dockerCalls: fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '',
    read: <T>(name: string): T => JSON.parse(fs.readFileSync(path.join(dir, 'out', name), 'utf8')) as T,
  };
}
