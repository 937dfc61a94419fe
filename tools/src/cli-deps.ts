import type { Writable } from 'node:stream';
import { createInterface } from 'node:readline/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultAwsClients, type AwsClients } from './aws/clients';
import { runGit, type GitRunner } from './git/run-git';

/** What every command gets from the entry file; tests pass their own. */
export interface CliDeps {
  readonly stdout: Writable & { isTTY?: boolean };
  readonly stderr: Writable & { isTTY?: boolean };
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
  /** Wall clock, epoch milliseconds. @default Date.now */
  readonly now?: () => number;
  /** Waits `ms`; resolves early when `signal` aborts. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** AWS SDK clients. @default clients on the SDK's default credential and region chain */
  readonly aws?: AwsClients;
  /** Runs git. @default the `git` executable */
  readonly git?: GitRunner;
  /** Registers a Ctrl-C handler and returns its removal. @default process SIGINT and SIGTERM */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /** Asks one question on the terminal; absent when nobody can answer. @default stdin when it is a TTY */
  readonly prompt?: (question: string) => Promise<string>;
}

/** Sleep that an abort ends early instead of rejecting. */
export const sleepUnlessAborted = (ms: number, signal?: AbortSignal): Promise<void> =>
  delay(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);

export interface Command {
  readonly summary: string;
  run(argv: readonly string[], deps: CliDeps): Promise<number>;
}

export function defaultDeps(): CliDeps {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    sleep: sleepUnlessAborted,
    aws: defaultAwsClients(),
    git: runGit,
    onInterrupt: (handler) => {
      let presses = 0;
      // The first Ctrl-C lets the command wind down (summary, report); a second one means now.
      const listener = (): void => {
        presses += 1;
        if (presses > 1) process.exit(130);
        handler();
      };
      // SIGTERM too: a CI runner cancelling the job, or `kill`, should wind down like Ctrl-C.
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
    ...(process.stdin.isTTY && {
      prompt: async (question: string) => {
        const rl = createInterface({ input: process.stdin, output: process.stderr });
        try {
          return await rl.question(question);
        } finally {
          rl.close();
        }
      },
    }),
  };
}
