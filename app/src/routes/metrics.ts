import type { RequestHandler } from 'express';
import { settings } from '../../../contract/settings';
import type { Metrics } from '../metrics';

/**
 * `GET /metrics` on the metrics listener: Prometheus text exposition of the app's own registry. Matched
 * exactly (case and trailing slash; Express alone would accept `/METRICS` and `/metrics/`), so the
 * registry has one address and every other path is a 404.
 */
export function metricsRoute(metrics: Metrics): RequestHandler {
  return async (req, res, next) => {
    if (req.path !== settings.container.metricsPath) {
      next();
      return;
    }
    const { contentType, text } = await metrics.scrape();
    res.set('content-type', contentType).send(text);
  };
}
