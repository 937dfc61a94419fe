import type { IncomingMessage } from 'node:http';

/**
 * HTTP/1.1 requires a Host header (RFC 9112, section 3.2). Node's own check answers a request without one
 * with a bare 400 before any handler runs: no `x-app-version`, no log line. The server turns that check
 * off (`requireHostHeader: false`) so that the app refuses the request like every other 400.
 */
export function lacksHost(req: IncomingMessage): boolean {
  return req.httpVersionMajor === 1 && req.httpVersionMinor >= 1 && req.headers.host === undefined;
}

/** The error the app answers a Host-less HTTP/1.1 request with (a 400 through the error handler). */
export function missingHostError(): Error {
  return Object.assign(new Error('HTTP/1.1 request without a Host header'), { status: 400 });
}
