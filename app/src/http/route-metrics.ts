import type { RequestHandler } from 'express';
import { UNMATCHED_ROUTE, type Metrics } from '../metrics';

/**
 * Times every request into `http_request_duration_seconds`, labelled by the route template that handled
 * it (never the raw URL, which would give every probe of a random path its own series).
 */
export function routeMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const end = metrics.startRequestTimer();
    // `close` follows `finish` on every response and also comes alone when the client goes away first.
    res.on('close', () => {
      const route = req.route as { path?: unknown } | undefined;
      end({
        method: req.method,
        route: typeof route?.path === 'string' ? req.baseUrl + route.path : UNMATCHED_ROUTE,
        status_code: String(res.statusCode),
      });
    });
    next();
  };
}
