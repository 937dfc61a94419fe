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
}

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

/** Sends the load balancer's own error page, as the ALB does for 502, 503 and 504. */
export function sendElbError(res: http.ServerResponse, status: 502 | 503 | 504): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${status} ${http.STATUS_CODES[status] ?? ''}\n`;
  res.writeHead(status, {
    'content-type': 'text/plain',
    'content-length': Buffer.byteLength(body),
    server: 'local-alb',
  });
  res.end(body);
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
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
  const body = await readBody(req);
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
