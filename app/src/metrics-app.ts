import express, { type Express } from 'express';
import { errorHandler, notFound } from './http/errors';
import { REQUEST_ID_HEADER, requestIdOf } from './http/request-id';
import { requestLogWriter } from './http/request-logger';
import type { Logger } from './logger';
import type { Metrics } from './metrics';
import { metricsRoute } from './routes/metrics';
import { settings } from '../../contract/settings';

export interface MetricsAppDeps {
  readonly version: string;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/**
 * The app of the metrics listener (`METRICS_PORT`): `GET /metrics` and a JSON 404 for anything else. It
 * runs on its own port so that the port the target groups route to never serves metrics, and no listener
 * rule is needed to keep them off the internet. Scrapes are not timed into the request histogram: they are
 * not the service's traffic. Like the service's own app it neither listens nor reads the environment.
 */
export function createMetricsApp({ version, logger, metrics }: MetricsAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const writeLog = requestLogWriter(logger);
  app.use((req, res, next) => {
    res.setHeader('x-app-version', version);
    req.id = requestIdOf(req);
    res.setHeader(REQUEST_ID_HEADER, req.id);
    const started = performance.now();
    res.on('close', () => writeLog(req, res, performance.now() - started));
    next();
  });
  app.get(settings.container.metricsPath, metricsRoute(metrics));
  app.use(notFound);
  app.use(errorHandler);
  return app;
}
