import net from 'node:net';
import { settings } from '../../../../contract/settings';
import { backend, balancer } from '../../helpers/local-balancer';

/** A balancer whose blue group has one target that counts the requests it receives. */
async function setup() {
  const received: string[] = [];
  const { server, target } = await backend((req, res) => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.end('ok'));
  });
  const lb = await balancer();
  lb.groups.blue.register({ ...target, id: 'blue-1' });
  const close = async (): Promise<void> => {
    await lb.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return {
    urls: lb.urls,
    received,
    records: lb.records,
    close,
    lbPort: Number(new URL(lb.urls.production).port),
  };
}

/** Writes raw bytes, optionally closes early, and collects what comes back until the connection ends. */
function raw(port: number, payload: string | Buffer, closeAfterMs?: number): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.write(payload);
      if (closeAfterMs !== undefined) setTimeout(() => socket.destroy(), closeAfterMs);
    });
    socket.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(text));
  });
}

const statusOf = async (url: string): Promise<number> => (await fetch(url)).status;

describe('local load balancer: bad client input', () => {
  test('a client that aborts mid-body ends only its own request; the next one is served', async () => {
    const { urls, lbPort, received, records, close } = await setup();
    const answer = await raw(lbPort, 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc', 100);
    const next = await statusOf(`${urls.production}/`);
    await close();
    expect(answer).toBe('');
    expect(next).toBe(200);
    expect(received).toEqual(['GET /']);
    expect(records.map((r) => [r.status, r.source])).toEqual([
      [460, 'elb'],
      [200, 'target'],
    ]);
  });

  test('a body declared over the service limit is answered 413 without reaching a target', async () => {
    const { lbPort, received, close } = await setup();
    const answer = await raw(
      lbPort,
      `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${48 * 1024 * 1024}\r\n\r\n${'x'.repeat(1024)}`,
    );
    await close();
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(received).toEqual([]);
  });

  test('a chunked body that grows past the service limit is cut at the limit with 413', async () => {
    const { lbPort, received, close } = await setup();
    const chunk = 'x'.repeat(settings.http.bodyLimitBytes + 1);
    const answer = await raw(
      lbPort,
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`,
    );
    await close();
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).toEqual([]);
  });

  test('a body within the limit is still forwarded', async () => {
    const { urls, received, close } = await setup();
    const response = await fetch(`${urls.production}/`, { method: 'POST', body: 'x'.repeat(1000) });
    await close();
    expect(response.status).toBe(200);
    expect(received).toEqual(['POST /']);
  });

  test.each([
    ['a request line that is not HTTP', 'NOT HTTP\r\n\r\n', 400],
    ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405],
  ])('%s gets the load balancer own answer and the connection closes', async (_what, payload, status) => {
    const { urls, lbPort, received, close } = await setup();
    const answer = await raw(lbPort, payload);
    const next = await statusOf(`${urls.production}/`);
    await close();
    expect(answer).toMatch(
      new RegExp(`^HTTP/1\\.1 ${status} .*\\r\\n[^]*server: local-alb[^]*connection: close`),
    );
    expect(next).toBe(200);
    expect(received).toEqual(['GET /']);
  });
});
