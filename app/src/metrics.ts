import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ActiveFaults, FaultName } from '../../contract/faults/catalogue';
import { formatFaults } from '../../contract/faults/parse-faults';

/** The route label of every request that matched no route, so unknown paths cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The service's metrics, in a registry of its own. */
export interface Metrics {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<'method' | 'route' | 'status_code'>;
}

export interface MetricsOptions {
  readonly version: string;
  readonly faults: ActiveFaults;
  /** prom-client's process and Node.js metrics; off in tests that only look at the service's own metrics. */
  readonly defaultMetrics?: boolean;
}

/** The value label of an active fault, e.g. `2000` for `latency=2000` and an empty string for `health-fail`. */
function faultValueLabel(name: FaultName, faults: ActiveFaults): string {
  const written = formatFaults({ [name]: faults[name] });
  const eq = written.indexOf('=');
  return eq === -1 ? '' : written.slice(eq + 1);
}

/**
 * Builds a fresh registry with the request histogram, the version info gauge and one gauge series per
 * active fault. Nothing touches prom-client's global registry, so any number of apps can coexist.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });

  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by method, route template and status code.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });

  new Gauge({
    name: 'app_info',
    help: 'Always 1; the labels say which version is running.',
    labelNames: ['version'] as const,
    registers: [registry],
  }).set({ version: options.version }, 1);

  const faultGauge = new Gauge({
    name: 'app_fault_active',
    help: 'One series per active fault (FAULTS), set to 1; no series when no fault is on.',
    labelNames: ['fault', 'value'] as const,
    registers: [registry],
  });
  for (const name of Object.keys(options.faults) as FaultName[]) {
    faultGauge.set({ fault: name, value: faultValueLabel(name, options.faults) }, 1);
  }

  return { registry, httpRequestDuration };
}
