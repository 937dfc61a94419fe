import type { RequestHandler } from 'express';
import { settings } from '../../../contract/settings';
import type { Metrics } from '../metrics';

/**
 * `GET /metrics`: Prometheus text exposition of the app's own registry. Matched exactly (case and trailing
 * slash), because the load balancer keeps metrics inside by matching this exact path, and its path
 * patterns are case-sensitive: `/METRICS` or `/metrics/` must not reach the registry past that rule.
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
