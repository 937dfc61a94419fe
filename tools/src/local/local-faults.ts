import type { ActiveFaults } from '../../../contract/faults/catalogue';
import { formatFaults } from '../../../contract/faults/parse-faults';
import { settings } from '../../../contract/settings';

/** How the time scale applies to fault values that are durations. */
export interface FaultScaling {
  /** Divides `crash-after`, which races the deployment's bake period (scaled by the time scale). */
  readonly timeScale: number;
  /** Divides `slow-start`, which races the target health checks (scaled by the health-check scale). */
  readonly healthScale: number;
}

/** The `FAULTS` one local task gets, and what was changed from the release's value, in words. */
export interface LocalFaults {
  readonly faults: string;
  readonly notes: readonly string[];
}

const round = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * Turns the release's faults into what one local task runs with. Durations are compressed with the clock
 * they race against, so the fault lands at the same point of the deployment as in AWS. `wrong-port`
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
  if (active['crash-after'] !== undefined) {
    local['crash-after'] = round(active['crash-after'] / scaling.timeScale);
    notes.push(
      `crash-after=${active['crash-after']} runs as crash-after=${local['crash-after']} (time scale ${scaling.timeScale})`,
    );
  }
  if (active['slow-start'] !== undefined) {
    local['slow-start'] = round(active['slow-start'] / scaling.healthScale);
    notes.push(
      `slow-start=${active['slow-start']} runs as slow-start=${local['slow-start']} (health-check scale ${scaling.healthScale})`,
    );
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
