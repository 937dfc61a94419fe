import net from 'node:net';
import { settings } from '../../../contract/settings';
import { get, spawnService, stopAll, type ServiceProcess } from '../support/service-process';

let service: ServiceProcess;

beforeAll(async () => {
  service = await spawnService();
  await service.ready();
});
afterAll(stopAll);

/** Writes raw bytes and collects everything the server sends until it closes the connection. */
function rawExchange(port: number, payload: string): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(payload));
    socket.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    // The server may answer and close while we are still writing: a reset is part of the expected outcome.
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(received));
  });
}

describe('malformed requests against the running process', () => {
  it('answers a garbage request line with a JSON 400 that carries x-app-version', async () => {
    const response = await rawExchange(service.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(response).toContain('x-app-version: proc-test');
    expect(response).toContain('{"error":"Bad Request"}');
  });

  it('answers oversized headers with 431', async () => {
    const big = 'a'.repeat(32 * 1024);
    const response = await rawExchange(service.port, `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it('answers an undecodable URL with a 4xx', async () => {
    const response = await rawExchange(
      service.port,
      'GET /%E0%A4%A HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    );
    expect(response).toMatch(/^HTTP\/1\.1 4\d\d /);
  });

  it('answers a chunked body over the limit with 413', async () => {
    const chunk = 'x'.repeat(settings.http.bodyLimitBytes + 1);
    const response = await rawExchange(
      service.port,
      `POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n` +
        `${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
  });

  it('answers an HTTP/1.1 request without Host with its own JSON 400 and x-app-version, logged', async () => {
    const response = await rawExchange(service.port, 'GET /no-host HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(response).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(response).toContain('x-app-version: proc-test');
    expect(response).toContain('{"error":"Bad Request"}');
    await service.waitForLog(
      (l) => l.msg === 'GET /no-host 400',
      'the request line of the Host-less request',
    );
  });

  it('answers CONNECT with a JSON 405 and x-app-version, logged, instead of closing silently', async () => {
    const response = await rawExchange(
      service.port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    expect(response).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(response).toContain('x-app-version: proc-test');
    expect(response).toContain('{"error":"Method Not Allowed"}');
    await service.waitForLog((l) => l.msg === 'rejected a CONNECT request', 'the CONNECT log line');
  });

  it('keeps running and healthy afterwards, having logged the rejections', async () => {
    expect((await get(service.port, '/health')).status).toBe(200);
    expect(service.logs.filter((l) => l.msg === 'rejected a malformed request').map((l) => l.code)).toEqual(
      expect.arrayContaining(['HPE_INVALID_METHOD', 'HPE_HEADER_OVERFLOW']),
    );
  });
});

/** Opens a connection and resolves once it is established, without sending anything. */
function idleSocket(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
  });
}

describe('hostile clients, round 2', () => {
  it('answers a request line of 20 KB with a 4xx and stays up', async () => {
    const response = await rawExchange(
      service.port,
      `GET /${'a'.repeat(20 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 4(14|31) /);
    expect((await get(service.port, '/health')).status).toBe(200);
  });

  it('answers three pipelined requests in order on one connection, then closes on the last', async () => {
    const one = (path: string, close = false) =>
      `GET ${path} HTTP/1.1\r\nHost: x\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
    const response = await rawExchange(service.port, one('/health') + one('/') + one('/nope', true));
    const statuses = [...response.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200', '404']);
  });

  it('keeps /health fast with 200 idle connections and 20 half-sent requests open', async () => {
    const sockets = await Promise.all(Array.from({ length: 200 }, () => idleSocket(service.port)));
    const slow = await Promise.all(Array.from({ length: 20 }, () => idleSocket(service.port)));
    for (const socket of slow) socket.write('GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    try {
      const started = Date.now();
      expect((await get(service.port, '/health')).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(1_000);
    } finally {
      for (const socket of [...sockets, ...slow]) socket.destroy();
    }
  });

  it('keeps the timeouts in the order the load balancer needs', () => {
    // The ALB closes idle connections first (60 s), and a request must finish its headers before Node
    // would drop the connection as idle.
    expect(settings.http.keepAliveTimeoutMs).toBeGreaterThan(settings.http.albIdleTimeoutSeconds * 1000);
    expect(settings.http.headersTimeoutMs).toBeGreaterThan(settings.http.keepAliveTimeoutMs);
  });
});

describe('/health under load while a fault is active', () => {
  let slowService: ServiceProcess;
  beforeAll(async () => {
    slowService = await spawnService({ FAULTS: 'latency=1500' });
    await slowService.ready();
  });

  it('answers /health at once while 50 delayed GET / are in flight', async () => {
    const agent = new (await import('node:http')).Agent({ keepAlive: true, maxSockets: 60 });
    const delayed = Array.from({ length: 50 }, () => get(slowService.port, '/', agent));
    const started = Date.now();
    const health = await get(slowService.port, '/health');
    const healthMs = Date.now() - started;
    const answers = await Promise.all(delayed);
    agent.destroy();
    expect(health.status).toBe(200);
    expect(healthMs).toBeLessThan(500);
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 50 }, () => 200));
  });
});
