import type { RequestHandler } from 'express';

/**
 * HTTP/1.1 requires a Host header (RFC 9112, section 3.2). Node's own check answers a request without one
 * with a bare 400 before any handler runs: no `x-app-version`, no log line. The server turns that check
 * off (`requireHostHeader: false`) so that this middleware refuses the request like every other 400.
 */
export const requireHost: RequestHandler = (req, _res, next) => {
  if (req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined) {
    next(Object.assign(new Error('HTTP/1.1 request without a Host header'), { status: 400 }));
    return;
  }
  next();
};
