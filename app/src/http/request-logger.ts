import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import type { Logger } from '../logger';
import { settings } from '../../../contract/settings';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** This request's id, as echoed in `x-request-id` and logged. */
      id: string;
    }
    interface Response {
      /** The error behind a 5xx, set by the error handler so the request's log line carries it. */
      err?: Error;
    }
  }
}

/** Paths polled by machines (load balancer, container check, Prometheus): logged only when they fail. */
const POLLED_PATHS: ReadonlySet<string> = new Set([
  settings.container.healthPath,
  settings.container.metricsPath,
]);

const pathOf = (url: string | undefined): string => {
  const value = url ?? '/';
  const query = value.indexOf('?');
  return query === -1 ? value : value.slice(0, query);
};

type RequestLogLevel = 'debug' | 'info' | 'warn' | 'error';

/** The level of a request's log line: polled paths drop to debug while they answer 2xx/3xx. */
export function requestLogLevel(req: IncomingMessage, res: ServerResponse, err?: Error): RequestLogLevel {
  const status = res.statusCode;
  const polled = POLLED_PATHS.has(pathOf(req.url));
  if (err || status >= 500) return polled ? 'warn' : 'error';
  if (status >= 400) return 'warn';
  return polled ? 'debug' : 'info';
}

/**
 * Writes one JSON line for a finished request with what an operator needs (id, method, URL, status,
 * duration, client, user agent), never cookies or authorization headers.
 *
 * Written on pino directly rather than with pino-http: pino-http builds a child logger and serializes
 * the request for every request, including the health checks that are then dropped at debug level; here
 * nothing is serialized unless the line is written (measured: about a fifth of the service's CPU per
 * request, see docs/benchmarks.md).
 */
export function requestLogWriter(logger: Logger) {
  return (req: Request, res: Response, durationMs: number): void => {
    const level = requestLogLevel(req, res, res.err);
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        req: {
          id: req.id,
          method: req.method,
          url: req.originalUrl,
          remoteAddress: req.socket.remoteAddress,
          forwardedFor: req.headers['x-forwarded-for'],
          userAgent: req.headers['user-agent'],
        },
        res: { statusCode: res.statusCode },
        responseTime: Math.round(durationMs),
        ...(res.writableFinished ? {} : { aborted: true }),
        ...(res.err ? { err: res.err } : {}),
      },
      `${req.method} ${req.originalUrl} ${res.statusCode}`,
    );
  };
}
