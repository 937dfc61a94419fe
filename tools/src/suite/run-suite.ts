import type { DeploymentConfig } from '../../../contract/deployment-configs';
import { sleepUnlessAborted } from '../cli-deps';
import { freePort } from '../local/free-port';
import { runRehearsal, type ProgressSnapshot } from '../local/rehearsal/rehearsal';
import type { LaunchTask } from '../local/ecs/task-process';
import { runLimited } from './scheduler';
import type { SuiteEntry } from './plan/suite-plan';
import type { SuiteRun } from './plan/suite-run';

/** What every rehearsal of a suite shares. */
export interface SuiteOptions {
  readonly entries: readonly SuiteEntry[];
  readonly parallel: number;
  readonly config: DeploymentConfig;
  readonly timeScale: number;
  readonly rate: number;
  readonly launch: LaunchTask;
  readonly startupAllowanceMs?: number;
  /** Aborting it stops every running rehearsal (and its processes) and starts no more. */
  readonly signal?: AbortSignal;
  /** Wall clock in milliseconds, for each rehearsal's wall time. @default Date.now */
  readonly now?: () => number;
  /**
   * Rehearsals start at least this far apart, so their service processes (whose start-up is the busiest
   * moment of a rehearsal) do not all start in the same second and starve each other's health checks.
   * @default 0
   */
  readonly startGapMs?: number;
  /** Runs one rehearsal. @default runRehearsal */
  readonly rehearse?: typeof runRehearsal;
  /** Waits `ms`; resolves early when the signal aborts. @default a timer */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onStart?: (index: number) => void;
  readonly onProgress?: (index: number, snapshot: ProgressSnapshot) => void;
  readonly onDone?: (index: number, run: SuiteRun) => void;
}

/**
 * Runs the suite's rehearsals, `parallel` at a time, in one process, each on its entry's controller. Each gets its own load balancer, its
 * own task processes (named after the rehearsal, so containers never clash) and ports no other rehearsal
 * of the suite is given. Resolves with one run per entry, in the entries' order.
 */
export async function runSuite(options: SuiteOptions): Promise<SuiteRun[]> {
  const now = options.now ?? Date.now;
  const allocatePort = distinctPorts();
  const sleep = options.sleep ?? sleepUnlessAborted;
  let nextStartAt = -Infinity;
  return runLimited(options.entries, options.parallel, async (entry, index): Promise<SuiteRun> => {
    const wait = nextStartAt - now();
    nextStartAt = Math.max(now(), nextStartAt) + (options.startGapMs ?? 0);
    if (wait > 0) await sleep(wait, options.signal);
    if (options.signal?.aborted) return finish(index, { entry, state: 'interrupted' });
    options.onStart?.(index);
    const started = now();
    try {
      const result = await (options.rehearse ?? runRehearsal)({
        faults: entry.faults,
        config: options.config,
        controller: entry.controller,
        timeScale: options.timeScale,
        rate: options.rate,
        // Named after its report folder, unique in the suite, so containers of two controllers never clash.
        launch: (task) => options.launch({ ...task, id: `${entry.folder.replace(/\//g, '-')}-${task.id}` }),
        ...(options.startupAllowanceMs !== undefined && { startupAllowanceMs: options.startupAllowanceMs }),
        ...(options.signal && { signal: options.signal }),
        allocatePort,
        onProgress: (snapshot) => options.onProgress?.(index, snapshot),
      });
      return finish(index, { entry, state: 'done', result, wallMs: now() - started });
    } catch (error) {
      if (options.signal?.aborted) return finish(index, { entry, state: 'interrupted' });
      return finish(index, {
        entry,
        state: 'failed',
        error: error instanceof Error ? error.message : String(error),
        wallMs: now() - started,
      });
    }
  });

  function finish(index: number, run: SuiteRun): SuiteRun {
    options.onDone?.(index, run);
    return run;
  }
}

/**
 * Free loopback ports, never the same one twice: the OS may hand a port that one rehearsal has been given
 * (and not yet bound) to another rehearsal asking a moment later.
 */
export function distinctPorts(next: () => Promise<number> = () => freePort()): () => Promise<number> {
  const given = new Set<number>();
  return async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const port = await next();
      if (!given.has(port)) {
        given.add(port);
        return port;
      }
    }
    throw new Error('no loopback port that this suite has not already given out');
  };
}
