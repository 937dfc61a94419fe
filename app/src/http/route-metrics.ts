import type { Request, Response } from 'express';
import { UNMATCHED_ROUTE, type RequestLabels } from '../metrics';

/**
 * The labels of a finished request in `http_request_duration_seconds`: the route template that handled it,
 * never the raw URL, which would give every probe of a random path its own series.
 */
export function routeLabels(req: Request, res: Response): RequestLabels {
  const route = req.route as { path?: unknown } | undefined;
  return {
    method: req.method,
    route: typeof route?.path === 'string' ? req.baseUrl + route.path : UNMATCHED_ROUTE,
    status_code: String(res.statusCode),
  };
}
