import http from 'node:http';
import https from 'node:https';

export type ProbeResult = { ok: true; status: number } | { ok: false; reason: string };

/**
 * One GET to see whether anything answers at `url` before a load run starts. Never throws.
 * The status line is the answer: the body is not read, so a body that never ends cannot hold the probe,
 * and `timeoutMs` bounds the whole exchange (a socket idle timeout would not fire while bytes trickle in).
 */
export function probe(url: URL, timeoutMs: number): Promise<ProbeResult> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: ProbeResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = client.get(url, { agent: false }, (res) => finish({ ok: true, status: res.statusCode ?? 0 }));
    const timer = setTimeout(
      () => finish({ ok: false, reason: `no answer within ${timeoutMs} ms` }),
      timeoutMs,
    );
    req.on('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, reason: error.code ?? error.message }),
    );
  });
}
