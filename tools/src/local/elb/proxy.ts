import http from 'node:http';
import type { Target } from './target-group';

/** How one proxied request ended, as the ALB's metrics would count it. */
export interface ProxyOutcome {
  /** Status sent to the client. */
  readonly status: number;
  /** `target` when the target answered, `elb` when the load balancer answered itself (502/504). */
  readonly source: 'target' | 'elb';
  /** Time from sending to the target until its response headers arrived (TargetResponseTime). */
  readonly targetMs?: number;
}

export interface ProxyOptions {
  readonly agent: http.Agent;
  /** No answer from the target within this long means 504 (the ALB idle timeout). */
  readonly idleTimeoutMs: number;
  /** Largest request body forwarded; a larger one is answered 413 without reaching a target. */
  readonly bodyLimitBytes: number;
}

/**
 * What the ALB logs when the client closes the connection before the load balancer could answer. Counted
 * as the load balancer's own 4xx, so it never moves a 5xx alarm.
 */
export const CLIENT_CLOSED = 460;

/** Headers that describe one connection and must not be forwarded. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
]);

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS']);

function forwardable(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers))
    if (!HOP_BY_HOP.has(name) && value !== undefined) out[name] = value;
  return out;
}

/** The load balancer's own answers: its 5xx pages, and the 4xx it gives requests it will not forward. */
export type ElbStatus = 400 | 405 | 408 | 413 | 502 | 503 | 504;

/** The text of the load balancer's own error page for `status`. */
export function elbErrorPage(status: ElbStatus): string {
  return `${status} ${http.STATUS_CODES[status] ?? ''}\n`;
}

/** Sends the load balancer's own error page, as the ALB does for 502, 503 and 504 (and its 4xx). */
export function sendElbError(res: http.ServerResponse, status: ElbStatus): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = elbErrorPage(status);
  res.writeHead(status, {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(body),
    server: 'local-alb',
    // A 4xx may leave unread body bytes on the connection: close it rather than parse them as a request.
    ...(status < 500 && { connection: 'close' }),
  });
  res.end(body);
}

type BodyRead = { kind: 'body'; body: Buffer } | { kind: 'too-large' } | { kind: 'aborted' };

/**
 * Reads a request body up to `limit` bytes. Never rejects: a client that goes away mid-body is an outcome
 * of that one request (an unhandled reset here used to end the whole rehearsal), and a body over the limit
 * stops being read at once, so one large POST costs the limit, not its size.
 */
function readBody(req: http.IncomingMessage, limit: number): Promise<BodyRead> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.resolve({ kind: 'too-large' });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (read: BodyRead): void => {
      req.off('data', onData);
      resolve(read);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        req.pause();
        done({ kind: 'too-large' });
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => done({ kind: 'body', body: Buffer.concat(chunks) }));
    req.once('error', () => done({ kind: 'aborted' }));
    req.once('close', () => {
      if (!req.complete) done({ kind: 'aborted' });
    });
  });
}

/**
 * Forwards one client request to a target over a keep-alive agent and streams the answer back.
 * A reused keep-alive socket that the target closed at the same moment surfaces as ECONNRESET before any
 * response; the ALB never shows that race to clients, so an idempotent request is retried once on a fresh
 * connection. A refused or failed connection answers 502, no response within the idle timeout 504.
 */
export async function proxyRequest(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  target: Target,
  options: ProxyOptions,
  headers: http.OutgoingHttpHeaders = {},
): Promise<ProxyOutcome> {
  const read = await readBody(req, options.bodyLimitBytes);
  if (read.kind === 'aborted') {
    res.destroy();
    return { status: CLIENT_CLOSED, source: 'elb' };
  }
  if (read.kind === 'too-large') {
    sendElbError(res, 413);
    return { status: 413, source: 'elb' };
  }
  const { body } = read;
  const method = req.method ?? 'GET';
  const send = (retry: boolean): Promise<ProxyOutcome> =>
    new Promise((resolve) => {
      const started = performance.now();
      let settled = false;
      const settle = (outcome: ProxyOutcome): void => {
        if (settled) return;
        settled = true;
        resolve(outcome);
      };
      const upstream = http.request({
        host: target.host,
        port: target.port,
        method,
        path: req.url,
        headers: { ...forwardable(req.headers), ...headers, 'content-length': body.length },
        agent: retry ? false : options.agent,
        timeout: options.idleTimeoutMs,
      });
      upstream.on('response', (answer) => {
        const targetMs = performance.now() - started;
        const status = answer.statusCode ?? 502;
        res.writeHead(status, forwardable(answer.headers));
        answer.pipe(res);
        answer.on('error', () => res.destroy());
        settle({ status, source: 'target', targetMs });
      });
      upstream.on('timeout', () => {
        upstream.destroy();
        sendElbError(res, 504);
        settle({ status: 504, source: 'elb' });
      });
      upstream.on('error', (error: NodeJS.ErrnoException) => {
        if (settled) {
          res.destroy();
          return;
        }
        if (!retry && upstream.reusedSocket && error.code === 'ECONNRESET' && IDEMPOTENT.has(method)) {
          settled = true;
          void send(true).then(resolve);
          return;
        }
        sendElbError(res, 502);
        settle({ status: 502, source: 'elb' });
      });
      upstream.end(body);
    });
  return send(false);
}
