import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Cores as `taskset -c` lists them: the app's, the load generator's, and all of them. */
export interface CpuPinning {
  readonly server: string;
  readonly client: string;
  readonly all: string;
}

/**
 * On Linux with two or more cores and util-linux's `taskset`, gives the app under test the last core and this
 * process (the load generator, autocannon runs in it) the others, so the two never take turns on one core:
 * on a small machine that contention, not the app, was what the round-to-round spread of req/s mostly showed.
 * Undefined (nothing pinned) anywhere else or when `taskset` is missing or refused.
 */
export function pinCpus(): CpuPinning | undefined {
  const cores = os.availableParallelism();
  if (process.platform !== 'linux' || cores < 2) return undefined;
  const pinning = {
    server: String(cores - 1),
    client: cores === 2 ? '0' : `0-${cores - 2}`,
    all: `0-${cores - 1}`,
  };
  try {
    execFileSync('taskset', ['-c', pinning.server, 'true'], { stdio: 'ignore' });
    execFileSync('taskset', ['-a', '-p', '-c', pinning.client, String(process.pid)], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  return pinning;
}

/**
 * The executable and arguments that run `command` on the given cores (a child inherits this process's
 * pinning otherwise), or `command` as it is when nothing is pinned.
 */
export function onCores(
  cores: string | undefined,
  command: readonly [string, ...string[]],
): [string, string[]] {
  return cores === undefined ? [command[0], command.slice(1)] : ['taskset', ['-c', cores, ...command]];
}
