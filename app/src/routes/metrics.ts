import { Router } from 'express';
import type { Metrics } from '../metrics';
import { settings } from '../../../contract/settings';

/**
 * `GET /metrics`: Prometheus text exposition of the app's own registry. Matched exactly (case and trailing
 * slash), because the load balancer keeps metrics inside by matching this exact path, and its path
 * patterns are case-sensitive: `/METRICS` or `/metrics/` must not reach the registry past that rule.
 */
export function metricsRoute(metrics: Metrics): Router {
  const router = Router({ caseSensitive: true, strict: true });
  router.get(settings.container.metricsPath, async (_req, res) => {
    const text = await metrics.registry.metrics();
    res.set('content-type', metrics.registry.contentType).send(text);
  });
  return router;
}
