import type { Writable } from 'node:stream';
import { signalExitCode } from './exit-status';

/**
 * The signals that end this process. SIGHUP comes when the terminal it runs in closes (an SSH session
 * dropped, a terminal window shut): without a handler Node dies of it at once and no exit handler runs.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof STOP_SIGNALS)[number];

/** What a command gets from the supervisor. */
export interface Supervision {
  /**
   * Registers how to end something this process started (a task process, a container), synchronously.
   * It runs however this process ends: normal exit, usage error, uncaught error, SIGINT, SIGTERM or SIGHUP.
   * Returns its removal, for when the thing has ended by itself.
   */
  readonly track: (end: () => void) => () => void;
  /**
   * Registers what the first SIGINT, SIGTERM or SIGHUP does instead of ending the process (a command that
   * winds down: summary, report). A second signal ends the process. Returns its removal.
   */
  readonly onInterrupt: (handler: () => void) => () => void;
}

/** The process events the supervisor listens to; tests pass an emitter. */
export interface SupervisedProcess {
  on(event: 'exit', listener: () => void): unknown;
  on(event: StopSignal, listener: (signal: NodeJS.Signals) => void): unknown;
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  exit(code: number): void;
}

/**
 * Makes this process responsible for what it starts. Everything tracked is ended on the way out; a signal
 * with no command handler (or a second one) exits with 128 + its number, and an uncaught error exits 1
 * with one line on stderr. Children still die if this process is SIGKILLed only when they watch for it
 * themselves (see exit-with-parent.ts): no handler runs then.
 */
export function superviseProcess(proc: SupervisedProcess, stderr: Writable): Supervision {
  const ends = new Set<() => void>();
  const handlers: (() => void)[] = [];
  let signals = 0;
  const endAll = (): void => {
    for (const end of [...ends]) {
      ends.delete(end);
      try {
        end();
      } catch {
        // Ending one child must not keep the others alive.
      }
    }
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    signals += 1;
    const handler = handlers.at(-1);
    if (handler && signals === 1) {
      handler();
      return;
    }
    stderr.write(
      `\nInterrupted by ${signal}${ends.size > 0 ? `: stopping ${ends.size} started task(s)` : ''}.\n`,
    );
    proc.exit(signalExitCode(signal));
  };
  const onError = (error: unknown): void => {
    stderr.write(
      `Unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    proc.exit(1);
  };
  proc.on('exit', endAll);
  for (const signal of STOP_SIGNALS) proc.on(signal, onSignal);
  proc.on('uncaughtException', onError);
  proc.on('unhandledRejection', onError);
  return {
    track: (end) => {
      ends.add(end);
      return () => ends.delete(end);
    },
    onInterrupt: (handler) => {
      handlers.push(handler);
      return () => {
        const index = handlers.lastIndexOf(handler);
        if (index !== -1) handlers.splice(index, 1);
      };
    },
  };
}
