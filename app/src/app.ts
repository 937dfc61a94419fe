import express, { type Express, type RequestHandler } from 'express';
import { systemClock, type Clock, type RandomSource } from './clock';
import type { Config } from './config';
import { createSharedProbe, type ProbeResult } from './health/tcp-probe';
import { errorHandler, notFound } from './http/errors';
import { requestLogger } from './http/request-logger';
import { requireHost } from './http/require-host';
import { routeMetrics } from './http/route-metrics';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { healthRoute } from './routes/health';
import { metricsRoute } from './routes/metrics';
import { rootRoute } from './routes/root';
import { settings } from '../../contract/settings';

/** Everything the app needs; tests pass their own clock, random source and dependency probe. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  readonly clock?: Clock;
  /** Decides which requests the `error-rate` fault fails. Defaults to `Math.random`. */
  readonly random?: RandomSource;
  /** Checks the `dependency-down` address. Defaults to a shared TCP probe with `settings.dependencyProbeTimeoutMs`. */
  readonly probeDependency?: () => Promise<ProbeResult>;
}

/**
 * No route takes a body: this only enforces the size limit, with a 413, on whatever a client sends. Requests
 * without a body (nearly all) skip the parser, which would otherwise parse headers for nothing.
 */
function bodyLimit(limit: number): RequestHandler {
  const parse = express.raw({ type: () => true, limit });
  return (req, res, next) => {
    const length = req.headers['content-length'];
    if (req.headers['transfer-encoding'] === undefined && (length === undefined || length === '0')) {
      next();
      return;
    }
    parse(req, res, next);
  };
}

function defaultProbe(config: Config): () => Promise<ProbeResult> {
  const address = config.faults['dependency-down'];
  if (address === undefined) return () => Promise.resolve({ ok: true });
  return createSharedProbe({ ...address, timeoutMs: settings.dependencyProbeTimeoutMs });
}

/** Builds the Express app. It neither listens nor reads the environment: `server.ts` does both. */
export function createApp(deps: AppDeps): Express {
  const { config, logger, metrics, lifecycle } = deps;
  const clock = deps.clock ?? systemClock;
  const app = express();
  app.disable('x-powered-by');
  // Every answer is small and computed per request; hashing each body for an ETag nobody revalidates
  // against (load balancers, health checks, load loops) costs CPU on the hot path.
  app.set('etag', false);

  app.use((_req, res, next) => {
    res.setHeader('x-app-version', config.version);
    // A draining process must not keep connections a client would reuse after the server is gone.
    if (lifecycle.draining) res.setHeader('connection', 'close');
    next();
  });
  app.use(requestLogger(logger));
  app.use(routeMetrics(metrics));
  app.use(requireHost);
  app.use(bodyLimit(settings.http.bodyLimitBytes));

  // Routes sit on the app itself rather than in one Router each: every mounted Router is one more layer
  // that each request walks through before reaching its handler.
  app.get('/', rootRoute({ config, logger, clock, random: deps.random ?? Math.random }));
  app.get(
    settings.container.healthPath,
    healthRoute({
      faults: config.faults,
      lifecycle,
      clock,
      probeDependency: deps.probeDependency ?? defaultProbe(config),
    }),
  );
  app.get(settings.container.metricsPath, metricsRoute(metrics));

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
