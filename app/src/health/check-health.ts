import type { Clock } from '../clock';
import type { ActiveFaults } from '../../../contract/faults/catalogue';
import type { Lifecycle } from '../lifecycle';
import type { ProbeResult } from './tcp-probe';

/** What `/health` answers. */
export interface HealthReport {
  readonly statusCode: 200 | 500 | 503;
  readonly body: { readonly status: 'ok' | 'draining' | 'starting' | 'fail'; readonly reason?: string };
}

export interface HealthDeps {
  readonly faults: ActiveFaults;
  readonly lifecycle: Lifecycle;
  readonly clock: Clock;
  /** Probes the `dependency-down` address; only called when that fault is on. */
  readonly probeDependency: () => Promise<ProbeResult>;
}

/**
 * Decides the health answer. Draining wins over everything so the load balancer stops routing to a
 * stopping task whatever faults are on; the faults follow in catalogue order.
 */
export async function checkHealth(deps: HealthDeps): Promise<HealthReport> {
  const { faults, lifecycle, clock } = deps;
  if (lifecycle.draining) {
    return { statusCode: 503, body: { status: 'draining', reason: 'shutting down' } };
  }
  if (faults['health-fail']) {
    return { statusCode: 500, body: { status: 'fail', reason: 'health-fail fault is active' } };
  }
  const slowStart = faults['slow-start'];
  if (slowStart !== undefined) {
    const remainingMs = lifecycle.startedAt + slowStart * 1000 - clock.now();
    if (remainingMs > 0) {
      return {
        statusCode: 503,
        body: {
          status: 'starting',
          reason: `slow-start fault: ready in ${(remainingMs / 1000).toFixed(1)} s`,
        },
      };
    }
  }
  const dependency = faults['dependency-down'];
  if (dependency !== undefined) {
    const result = await deps.probeDependency();
    if (!result.ok) {
      return {
        statusCode: 503,
        body: {
          status: 'fail',
          reason: `Database connection failed: ${dependency.host}:${dependency.port}: ${result.reason}`,
        },
      };
    }
  }
  return { statusCode: 200, body: { status: 'ok' } };
}
