import { Router } from 'express';
import { checkHealth, type HealthDeps } from '../health/check-health';
import { settings } from '../../../contract/settings';

/** `GET /health`: what the ALB target groups, the container health check and the test-traffic hook call. */
export function healthRoute(deps: HealthDeps): Router {
  const router = Router();
  router.get(settings.container.healthPath, async (_req, res) => {
    const report = await checkHealth(deps);
    res.set('cache-control', 'no-store').status(report.statusCode).json(report.body);
  });
  return router;
}
