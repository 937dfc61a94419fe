import express, { type RequestHandler } from 'express';
import type { Lifecycle } from '../lifecycle';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import { settings } from '../../../contract/settings';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { requestLogWriter } from './request-logger';
import { lacksHost, missingHostError } from './require-host';
import { routeLabels } from './route-metrics';

export interface EveryRequestDeps {
  readonly version: string;
  readonly lifecycle: Lifecycle;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

/** True when a request announces a body; nearly none does, and those that do not skip the body parser. */
const hasBody = (headers: { 'content-length'?: string; 'transfer-encoding'?: string }): boolean =>
  headers['transfer-encoding'] !== undefined ||
  (headers['content-length'] !== undefined && headers['content-length'] !== '0');

/**
 * What every request gets before its route, as one middleware: the version header (and `connection:
 * close` while draining), the request id, one `close` listener that times the request into the histogram
 * and writes its log line, the Host check, and the body-size limit (no route takes a body: a body over
 * the limit gets a 413, whatever it is).
 *
 * One middleware rather than five, because Express walks every registered layer for every request: that
 * walk, and one listener registration per concern, were measurable costs per request (docs/benchmarks.md).
 */
export function everyRequest({ version, lifecycle, logger, metrics }: EveryRequestDeps): RequestHandler {
  const writeLog = requestLogWriter(logger);
  const parseBody = express.raw({ type: () => true, limit: settings.http.bodyLimitBytes });
  return (req, res, next) => {
    res.setHeader('x-app-version', version);
    // A draining process must not keep connections a client would reuse after the server is gone.
    if (lifecycle.draining) res.setHeader('connection', 'close');
    const id = requestIdOf(req);
    req.id = id;
    res.setHeader(REQUEST_ID_HEADER, id);

    const started = performance.now();
    // `close` follows `finish` on every response and also comes alone when the client goes away first: one
    // listener sees each request exactly once.
    res.on('close', () => {
      const durationMs = performance.now() - started;
      metrics.observeRequest(routeLabels(req, res), durationMs / 1000);
      writeLog(req, res, durationMs);
    });

    if (lacksHost(req)) next(missingHostError());
    else if (hasBody(req.headers)) parseBody(req, res, next);
    else next();
  };
}
