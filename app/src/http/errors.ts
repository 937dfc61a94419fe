import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';

/** Thrown by handlers for a deliberate failure (the `error-rate` fault); still answered as a plain 500. */
export class InjectedFaultError extends Error {
  override readonly name = 'InjectedFaultError';
}

/** Unknown routes: a JSON 404 like every other answer. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: STATUS_CODES[404] });
};

function clientStatusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : undefined;
}

/**
 * The one error handler, registered last. Client errors (bad body, bad encoding) keep their 4xx status;
 * anything else is a 500 whose body says nothing about the cause. The cause goes to the request's log line
 * through `res.err`, which the request logger writes.
 */
export const errorHandler: ErrorRequestHandler = (error: unknown, _req, res, next) => {
  if (res.headersSent) {
    // Express's final handler closes the connection, the only way left to signal a broken response.
    next(error);
    return;
  }
  const status = clientStatusOf(error) ?? 500;
  if (status >= 500) res.err = error instanceof Error ? error : new Error(String(error));
  res.status(status).json({ error: STATUS_CODES[status] ?? 'Error' });
};
