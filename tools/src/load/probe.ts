import http from 'node:http';
import https from 'node:https';

export type ProbeResult = { ok: true; status: number } | { ok: false; reason: string };

/** One GET to see whether anything answers at `url` before a load run starts. Never throws. */
export function probe(url: URL, timeoutMs: number): Promise<ProbeResult> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve) => {
    const req = client.get(url, { agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ok: true, status: res.statusCode ?? 0 }));
      res.on('error', (error) => resolve({ ok: false, reason: error.message }));
    });
    req.setTimeout(timeoutMs, () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ ok: false, reason: error.code ?? error.message }),
    );
  });
}
