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
