import type { ActiveFaults } from '../../../../contract/faults/catalogue';
import { formatFaults } from '../../../../contract/faults/parse-faults';
import { settings } from '../../../../contract/settings';

/** The `FAULTS` one local task gets, and what was changed from the release's value, in words. */
export interface LocalFaults {
  readonly faults: string;
  readonly notes: readonly string[];
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/** The factors fault durations are divided by (see `LocalTimings`). */
export interface FaultScaling {
  readonly timeScale: number;
  /** For `latency`, which races the response-time limit: the time scale, or less where the limit has a floor. */
  readonly responseScale: number;
}

/** The faults whose values are durations: each races the deployment's waits, so each is compressed with them. */
const DURATIONS = ['latency', 'crash-after', 'slow-start'] as const;
const UNIT = { latency: 'ms', 'crash-after': 's', 'slow-start': 's' } as const;

/**
 * Turns the release's faults into what one local task runs with. Durations (`latency`, `crash-after`,
 * `slow-start`) are divided by the one time scale every other wait of the rehearsal is divided by, so the
 * fault lands at the same point of the deployment as on AWS (`latency` by the response-time limit's
 * factor, so it stays as many times over the limit); the notes keep the AWS value. `wrong-port`
 * becomes another free loopback port per task, because local tasks share one address where Fargate tasks
 * each have their own network interface (two tasks on 9999 would crash on EADDRINUSE instead).
 */
export function localFaults(
  active: ActiveFaults,
  scaling: FaultScaling,
  taskPort: number,
  sparePort: number,
): LocalFaults {
  const local: { -readonly [K in keyof ActiveFaults]: ActiveFaults[K] } = { ...active };
  const notes: string[] = [];
  for (const name of DURATIONS) {
    const aws = active[name];
    if (aws === undefined) continue;
    // The service takes latency in whole milliseconds.
    const scale = name === 'latency' ? scaling.responseScale : scaling.timeScale;
    local[name] = name === 'latency' ? Math.round(aws / scale) : round(aws / scale);
    const why =
      scale === scaling.timeScale
        ? `time scale ${scale}`
        : `scale ${round(scale)}, the response-time limit's: a loopback answer's own time is real`;
    notes.push(`${name}=${aws} (AWS ${UNIT[name]}) runs as ${name}=${local[name]} (${why})`);
  }
  if (active['wrong-port'] !== undefined) {
    const same = active['wrong-port'] === settings.container.port;
    local['wrong-port'] = same ? taskPort : sparePort;
    notes.push(
      same
        ? `wrong-port=${active['wrong-port']} equals the container port, so each task listens on its own port`
        : `wrong-port=${active['wrong-port']} runs as another free loopback port per task`,
    );
  }
  return { faults: formatFaults(local), notes };
}
