import { constants } from 'node:os';

/** 128 + the signal number: the exit status a shell reports for a process ended by that signal. */
export const signalExitCode = (signal: NodeJS.Signals): number => 128 + constants.signals[signal];

/**
 * A child's exit status as a shell reports it: its own code, or {@link signalExitCode} when a signal ended
 * it (Node gives a null code then). Neither, which Node does not produce, counts as a failure.
 */
export const exitStatus = (code: number | null, signal: NodeJS.Signals | null): number =>
  code ?? (signal === null ? 1 : signalExitCode(signal));
