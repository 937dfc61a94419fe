import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger';
import { settings } from '../../../contract/settings';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

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
const POLLED_PATHS = new Set([settings.container.healthPath, '/metrics']);

const pathOf = (url: string | undefined): string => (url ?? '/').split('?', 1)[0] ?? '/';

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
 * Assigns the request id and writes one JSON line per finished request with what an operator needs (id,
 * method, URL, status, duration, client, user agent), never cookies or authorization headers.
 *
 * Written on pino directly rather than with pino-http: pino-http builds a child logger and serializes
 * the request for every request, including the health checks that are then dropped at debug level; here
 * nothing is serialized unless the line is written (measured: about a fifth of the service's CPU per
 * request, see docs/benchmarks.md).
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    const started = performance.now();

    // `close` follows `finish` on every response and also comes alone when the client goes away first: one
    // listener sees each request exactly once.
    res.on('close', () => {
      const level = requestLogLevel(req, res, res.err);
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          req: {
            id,
            method: req.method,
            url: req.originalUrl,
            remoteAddress: req.socket.remoteAddress,
            forwardedFor: req.headers['x-forwarded-for'],
            userAgent: req.headers['user-agent'],
          },
          res: { statusCode: res.statusCode },
          responseTime: Math.round(performance.now() - started),
          ...(res.writableFinished ? {} : { aborted: true }),
          ...(res.err ? { err: res.err } : {}),
        },
        `${req.method} ${req.originalUrl} ${res.statusCode}`,
      );
    });
    next();
  };
}
