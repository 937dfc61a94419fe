import express, { type Express } from 'express';
import { systemClock, type Clock, type RandomSource } from './clock';
import type { Config } from './config';
import { createSharedProbe, type ProbeResult } from './health/tcp-probe';
import { errorHandler, notFound } from './http/errors';
import { everyRequest } from './http/every-request';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { healthRoute } from './routes/health';
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

function defaultProbe(config: Config): () => Promise<ProbeResult> {
  const address = config.faults['dependency-down'];
  if (address === undefined) return () => Promise.resolve({ ok: true });
  return createSharedProbe({ ...address, timeoutMs: settings.dependencyProbeTimeoutMs });
}

/**
 * Builds the Express app. It neither listens nor reads the environment: `server.ts` does both. Metrics are
 * not served here but on their own port (`metrics-app.ts`): on this app `/metrics` is an unknown path.
 */
export function createApp(deps: AppDeps): Express {
  const { config, logger, metrics, lifecycle } = deps;
  const clock = deps.clock ?? systemClock;
  const app = express();
  app.disable('x-powered-by');
  // Every answer is small and computed per request; hashing each body for an ETag nobody revalidates
  // against (load balancers, health checks, load loops) costs CPU on the hot path.
  app.set('etag', false);

  app.use(everyRequest({ version: config.version, lifecycle, logger, metrics }));

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

  app.use(notFound);
  app.use(errorHandler);
  return app;
}
