import type { RequestHandler } from 'express';
import { checkHealth, type HealthDeps } from '../health/check-health';

/** `GET /health`: what the ALB target groups, the container health check and the test-traffic hook call. */
export function healthRoute(deps: HealthDeps): RequestHandler {
  return async (_req, res) => {
    const report = await checkHealth(deps);
    res.set('cache-control', 'no-store').status(report.statusCode).json(report.body);
  };
}
