import type { RequestHandler } from 'express';
import type { Metrics } from '../metrics';

/** `GET /metrics`: Prometheus text exposition of the app's own registry. */
export function metricsRoute(metrics: Metrics): RequestHandler {
  return async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.set('content-type', metrics.registry.contentType).send(text);
  };
}
