import type { Writable } from 'node:stream';
import { createInterface } from 'node:readline/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { defaultAwsClients, type AwsClients } from './aws/clients';
import { runGit, type GitRunner } from './git/run-git';
import type { Supervision } from './process/supervisor';

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
  /**
   * Registers what the first SIGINT, SIGTERM or SIGHUP does (Ctrl-C, `kill`, a CI timeout, a closed
   * terminal) and returns its removal; a second signal ends the process. @default the process's signals, through the supervisor
   */
  readonly onInterrupt?: (handler: () => void) => () => void;
  /**
   * Registers how to end a child this command started, synchronously, however the process ends; returns
   * its removal. @default the supervisor's; absent, children are ended only by the command itself
   */
  readonly track?: Supervision['track'];
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

/** The real process's streams, environment and clients, with signals and children in `supervision`'s care. */
export function defaultDeps(supervision: Supervision): CliDeps {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    now: Date.now,
    sleep: sleepUnlessAborted,
    aws: defaultAwsClients(),
    git: runGit,
    onInterrupt: supervision.onInterrupt,
    track: supervision.track,
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
