import type * as PromClient from 'prom-client';
import type { Histogram, Registry } from 'prom-client';
import type { ActiveFaults, FaultName } from '../../contract/faults/catalogue';
import { formatFaults } from '../../contract/faults/parse-faults';

/** The route label of every request that matched no route, so unknown paths cannot grow the label set. */
export const UNMATCHED_ROUTE = 'unmatched';

/** The labels of one request in `http_request_duration_seconds`. */
export interface RequestLabels {
  readonly method: string;
  readonly route: string;
  readonly status_code: string;
}

/**
 * The service's metrics, in a registry of its own. prom-client is loaded by {@link Metrics.load} (the entry
 * calls it once the server listens) or by the first scrape, not at start-up: it is the largest module the
 * service loads and no request before the first scrape needs it. Requests timed before then are kept and
 * recorded when the registry is built.
 */
export interface Metrics {
  /** Records one finished request under its labels. */
  observeRequest(labels: RequestLabels, seconds: number): void;
  /** The Prometheus text exposition and its content type. */
  scrape(): Promise<{ readonly contentType: string; readonly text: string }>;
  /** Loads prom-client and builds the registry now, if that has not happened yet. */
  load(): void;
}

export interface MetricsOptions {
  readonly version: string;
  readonly faults: ActiveFaults;
  /** prom-client's process and Node.js metrics; off in tests that only look at the service's own metrics. */
  readonly defaultMetrics?: boolean;
}

/** Requests timed before the registry exists; past this many the oldest are dropped (memory stays bounded). */
const MAX_PENDING = 10_000;

/** The value label of an active fault, e.g. `2000` for `latency=2000` and an empty string for `health-fail`. */
function faultValueLabel(name: FaultName, faults: ActiveFaults): string {
  const written = formatFaults({ [name]: faults[name] });
  const eq = written.indexOf('=');
  return eq === -1 ? '' : written.slice(eq + 1);
}

interface Built {
  readonly registry: Registry;
  readonly httpRequestDuration: Histogram<keyof RequestLabels>;
}

/** The registry with the request histogram, the version info gauge and one gauge series per active fault. */
function buildRegistry(options: MetricsOptions): Built {
  // Loaded here, on first use, rather than at start-up (see Metrics).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const prom = require('prom-client') as typeof PromClient;
  const { Gauge, Histogram, Registry, collectDefaultMetrics } = prom;
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

/** Metrics for one app. Nothing touches prom-client's global registry, so any number of apps can coexist. */
export function createMetrics(options: MetricsOptions): Metrics {
  let built: Built | undefined;
  const pending: [RequestLabels, number][] = [];
  const load = (): Built => {
    if (built) return built;
    built = buildRegistry(options);
    for (const [labels, seconds] of pending) built.httpRequestDuration.observe(labels, seconds);
    pending.length = 0;
    return built;
  };
  return {
    observeRequest: (labels, seconds) => {
      if (built) built.httpRequestDuration.observe(labels, seconds);
      else if (pending.push([labels, seconds]) > MAX_PENDING) pending.shift();
    },
    scrape: async () => {
      const { registry } = load();
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
    load: () => void load(),
  };
}
