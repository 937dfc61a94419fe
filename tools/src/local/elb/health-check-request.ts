import http from 'node:http';
import type { HealthCheckFn } from './target-group';

/**
 * Whether a status matches an ALB matcher such as `200`, `200,202` or `200-299`. Throws on a matcher
 * the ALB would reject, so a bad setting is caught before any check runs.
 */
export function parseHealthyCodes(matcher: string): (status: number) => boolean {
  const parts = matcher.split(',').map((part) => {
    const m = /^\s*(\d{3})(?:-(\d{3}))?\s*$/.exec(part);
    if (!m) throw new Error(`healthy HTTP codes must look like 200, 200,202 or 200-299, got "${matcher}"`);
    const low = Number(m[1]);
    return [low, m[2] === undefined ? low : Number(m[2])] as const;
  });
  return (status) => parts.some(([low, high]) => status >= low && status <= high);
}

/**
 * The ALB's health check: one `GET path` on a fresh connection, passed when the status matches within the
 * timeout; a refused connection, a reset or a timeout fails it.
 */
export function httpHealthCheck(path: string, healthyCodes: string): HealthCheckFn {
  const healthy = parseHealthyCodes(healthyCodes);
  return (target, timeoutMs) =>
    new Promise((resolve) => {
      let done = false;
      const finish = (passed: boolean): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        req.destroy();
        resolve(passed);
      };
      const req = http.get(
        {
          host: target.host,
          port: target.port,
          path,
          agent: false,
          headers: { 'user-agent': 'ELB-HealthChecker/2.0' },
        },
        (res) => {
          res.resume();
          res.on('end', () => finish(healthy(res.statusCode ?? 0)));
          res.on('error', () => finish(false));
        },
      );
      req.on('error', () => finish(false));
      const timer = setTimeout(() => finish(false), timeoutMs);
    });
}
