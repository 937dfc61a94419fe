import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UP_STATE_FOLDER } from './instance-lock';

/** How `down` found the `up` of a repository. */
export type StopUpResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'stopped'; readonly pid: number; readonly waitedMs: number }
  | { readonly kind: 'still-running'; readonly pid: number; readonly waitedMs: number };

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid in `.rehearsal/up.lock` when that process still runs, else undefined. */
export function runningUpPid(repoRoot: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(path.join(repoRoot, UP_STATE_FOLDER, 'up.lock'), 'utf8').trim();
  } catch {
    return undefined;
  }
  const pid = Number.parseInt(text, 10);
  return Number.isSafeInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

export interface StopUpOptions {
  readonly limitMs: number;
  readonly pollMs?: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => number;
}

/**
 * Sends SIGTERM to the repository's running `up` (what Ctrl-C does: the release under way rolls back, then
 * every task and listener stops) and waits until the process has exited, up to `limitMs`.
 */
export async function stopUp(repoRoot: string, options: StopUpOptions): Promise<StopUpResult> {
  const pid = runningUpPid(repoRoot);
  if (pid === undefined) return { kind: 'none' };
  const started = options.now();
  process.kill(pid, 'SIGTERM');
  while (isAlive(pid)) {
    const waitedMs = options.now() - started;
    if (waitedMs >= options.limitMs) return { kind: 'still-running', pid, waitedMs };
    await options.sleep(options.pollMs ?? 100);
  }
  return { kind: 'stopped', pid, waitedMs: options.now() - started };
}
