import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Header the request id is read from and echoed back in. */
export const REQUEST_ID_HEADER = 'x-request-id';
/** The ALB's trace header, used when the caller sent no request id. */
export const AMZN_TRACE_HEADER = 'x-amzn-trace-id';

// Ids end up in logs and a response header: accept only short, printable, separator-safe values.
const SAFE_ID = /^[A-Za-z0-9._:;=+/-]{1,200}$/;

const usable = (value: string | string[] | undefined): string | undefined =>
  typeof value === 'string' && SAFE_ID.test(value) ? value : undefined;

/** The request id: the caller's `x-request-id`, else the ALB's `X-Amzn-Trace-Id`, else a new UUID. */
export function requestIdOf(req: IncomingMessage, generate: () => string = randomUUID): string {
  return usable(req.headers[REQUEST_ID_HEADER]) ?? usable(req.headers[AMZN_TRACE_HEADER]) ?? generate();
}
