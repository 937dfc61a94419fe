import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { createMetrics } from '../src/metrics';
import { settings } from '../../contract/settings';
import { buildTestApp } from './support/test-app';

describe('GET /', () => {
  it('answers 200 JSON with the service, the version and no faults', async () => {
    const { app } = buildTestApp();
    const res = await request(app)
      .get('/')
      .expect(200)
      .expect('content-type', /application\/json/);
    expect(res.body).toEqual({ service: settings.serviceName, version: 'test-1', faults: {} });
  });

  it('falls back to the package version when APP_VERSION is unset', async () => {
    const { app } = buildTestApp({ APP_VERSION: undefined });
    const res = await request(app).get('/').expect(200);
    expect(res.body.version).toBe('0.0.0-pkg');
    expect(res.headers['x-app-version']).toBe('0.0.0-pkg');
  });

  it('lists the active faults with their values', async () => {
    const { app } = buildTestApp(
      { FAULTS: 'latency=5,dependency-down=db:5432' },
      {
        probeDependency: () => Promise.resolve({ ok: true }),
      },
    );
    const res = await request(app).get('/').expect(200);
    expect(res.body.faults).toEqual({ latency: 5, 'dependency-down': { host: 'db', port: 5432 } });
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { app } = buildTestApp();
    const get = await request(app).get('/').expect(200);
    const head = await request(app).head('/').expect(200);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.text ?? '').toBe('');
  });

  it('sends no ETag, so no request pays for hashing a body nobody revalidates', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/').expect(200);
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('headers on every response', () => {
  it.each([
    ['/', 200],
    ['/health', 200],
    ['/metrics', 404],
    ['/no/such/route', 404],
  ])('%s carries x-app-version and no x-powered-by', async (path, status) => {
    const { app } = buildTestApp();
    const res = await request(app).get(path).expect(status);
    expect(res.headers['x-app-version']).toBe('test-1');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });
});

describe('request ids', () => {
  it('echoes the caller x-request-id and logs it', async () => {
    const { app, logs } = buildTestApp();
    const res = await request(app).get('/').set('x-request-id', 'abc-123').expect(200);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(logs.find((l) => l.msg === 'GET / 200')?.req).toMatchObject({
      id: 'abc-123',
      method: 'GET',
      url: '/',
    });
  });

  it('uses the ALB trace id when there is no x-request-id', async () => {
    const { app } = buildTestApp();
    const trace = 'Root=1-67891233-abcdef012345678912345678;Sampled=1';
    const res = await request(app).get('/').set('X-Amzn-Trace-Id', trace).expect(200);
    expect(res.headers['x-request-id']).toBe(trace);
  });

  it('generates a UUID when neither header is usable', async () => {
    const { app } = buildTestApp();
    const res = await request(app).get('/').set('x-request-id', 'has spaces\tand tabs').expect(200);
    expect(res.headers['x-request-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });
});

describe('request log', () => {
  it('writes one info line per request with method, url, status and duration', async () => {
    const { app, logs } = buildTestApp();
    await request(app).get('/?x=1').set('user-agent', 'probe/1').expect(200);
    const lines = logs.filter((l) => l.req !== undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'info',
      version: 'test-1',
      req: { method: 'GET', url: '/?x=1', userAgent: 'probe/1' },
      res: { statusCode: 200 },
    });
    expect(typeof lines[0]!.responseTime).toBe('number');
    expect(JSON.stringify(lines[0])).not.toMatch(/cookie|authorization/i);
  });

  it('logs and times a request whose client went away before the answer, once, marked aborted', async () => {
    let answer: (result: { ok: true }) => void = () => undefined;
    let probeStarted: () => void = () => undefined;
    const probing = new Promise<void>((resolve) => (probeStarted = resolve));
    const testApp = buildTestApp(
      { FAULTS: 'dependency-down=db:5432' },
      {
        logLevel: 'debug',
        probeDependency: () => {
          probeStarted();
          return new Promise((resolve) => (answer = resolve));
        },
      },
    );
    const server = http.createServer(testApp.app).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const req = http.get({ host: '127.0.0.1', port, path: '/health' });
    req.on('error', () => undefined);
    await probing;
    req.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    answer({ ok: true });
    server.close();

    const lines = testApp.logs.filter((l) => l.req !== undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ req: { url: '/health' }, aborted: true });
    expect((await testApp.metrics.scrape()).text).toMatch(
      /http_request_duration_seconds_count\{method="GET",route="\/health",status_code="200"\} 1/,
    );
  });

  it('keeps successful health checks and metrics scrapes out of the info log', async () => {
    const { app, metricsApp, logs } = buildTestApp();
    await request(app).get('/health').expect(200);
    await request(metricsApp).get('/metrics').expect(200);
    expect(logs.filter((l) => l.req !== undefined)).toEqual([]);
  });

  it('still logs a failing health check, as a warning', async () => {
    const { app, logs } = buildTestApp({ FAULTS: 'health-fail' });
    await request(app).get('/health').expect(500);
    expect(logs.filter((l) => l.req !== undefined).map((l) => l.level)).toEqual(['warn']);
  });
});

describe('unknown routes and errors', () => {
  it('answers 404 JSON for an unknown path', async () => {
    const { app } = buildTestApp();
    const res = await request(app).post('/nope').expect(404).expect('content-type', /json/);
    expect(res.body).toEqual({ error: 'Not Found' });
  });

  it('answers 404, not 500, for a URL that does not decode', async () => {
    const { app } = buildTestApp();
    await request(app).get('/%E0%A4%A').expect(404);
  });

  it('answers 413 for a body over the limit and 404 for one within it', async () => {
    const { app } = buildTestApp();
    const big = 'x'.repeat(settings.http.bodyLimitBytes + 1);
    const res = await request(app).post('/').set('content-type', 'text/plain').send(big).expect(413);
    expect(res.body).toEqual({ error: 'Payload Too Large' });
    await request(app).post('/').set('content-type', 'text/plain').send('small').expect(404);
  });

  it('answers a 500 without internals and logs the cause', async () => {
    const { app, logs } = buildTestApp({ FAULTS: 'error-rate=1' }, { random: () => 0.5 });
    const res = await request(app).get('/').expect(500);
    expect(res.body).toEqual({ error: 'Internal Server Error' });
    expect(res.text).not.toMatch(/error-rate|stack|at /);
    const line = logs.find((l) => l.msg === 'GET / 500');
    expect(line).toMatchObject({ level: 'error', err: { type: 'InjectedFaultError' } });
  });
});

describe('GET /metrics on the service port', () => {
  it('answers 404 like any unknown path: the port the target groups route to never serves metrics', async () => {
    const { app } = buildTestApp();
    await request(app).get('/').expect(200);
    const res = await request(app).get('/metrics').expect(404).expect('content-type', /json/);
    expect(res.body).toEqual({ error: 'Not Found' });
    expect(res.text).not.toContain('http_request_duration_seconds');
  });
});

describe('GET /metrics on the metrics listener', () => {
  it('exposes the request histogram by route template, the version and the active faults', async () => {
    const { app, metricsApp } = buildTestApp({ FAULTS: 'latency=5,health-fail' });
    await request(app).get('/').expect(200);
    await request(app).get('/random/1').expect(404);
    await request(app).get('/random/2').expect(404);
    const res = await request(metricsApp)
      .get('/metrics')
      .expect(200)
      .expect('content-type', /text\/plain/)
      .expect('x-app-version', 'test-1');
    expect(res.text).toContain(
      'http_request_duration_seconds_count{method="GET",route="/",status_code="200"} 1',
    );
    expect(res.text).toContain(
      'http_request_duration_seconds_count{method="GET",route="unmatched",status_code="404"} 2',
    );
    expect(res.text).not.toContain('/random');
    expect(res.text).toContain('app_info{version="test-1"} 1');
    expect(res.text).toContain('app_fault_active{fault="latency",value="5"} 1');
    expect(res.text).toContain('app_fault_active{fault="health-fail",value=""} 1');
    expect(res.text).not.toContain('app_fault_active{fault="error-rate"');
  });

  it('does not count scrapes as the service’s requests', async () => {
    const { metricsApp } = buildTestApp();
    await request(metricsApp).get('/metrics').expect(200);
    const res = await request(metricsApp).get('/metrics').expect(200);
    expect(res.text).not.toContain('route="/metrics"');
  });

  it.each(['/', '/health', '/METRICS', '/Metrics', '/metrics/'])(
    'answers %s with a JSON 404: the listener serves the exact metrics path only',
    async (path) => {
      const { metricsApp } = buildTestApp();
      const res = await request(metricsApp).get(path).expect(404);
      expect(res.body).toEqual({ error: 'Not Found' });
      expect(res.headers['x-app-version']).toBe('test-1');
    },
  );

  it('logs a scrape that fails, as a warning, with its cause', async () => {
    const { metricsApp, metrics, logs } = buildTestApp();
    jest.spyOn(metrics, 'scrape').mockRejectedValue(new Error('registry broke'));
    const res = await request(metricsApp).get('/metrics').expect(500);
    expect(res.body).toEqual({ error: 'Internal Server Error' });
    const lines = logs.filter((l) => l.req !== undefined);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'warn', err: { message: 'registry broke' } });
  });

  it('includes prom-client default metrics in the real configuration', async () => {
    const metrics = createMetrics({ version: 'v', faults: {} });
    expect((await metrics.scrape()).text).toContain('process_cpu_user_seconds_total');
  });
});
