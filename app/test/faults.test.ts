import net from 'node:net';
import request from 'supertest';
import { buildTestApp, sequence } from './support/test-app';

describe('faults in the app', () => {
  it('with no fault, / and /health answer 200', async () => {
    const { app } = buildTestApp();
    await request(app).get('/').expect(200);
    await request(app).get('/health').expect(200, { status: 'ok' });
  });

  it('health-fail makes /health answer 500 with a reason, and leaves / alone', async () => {
    const { app } = buildTestApp({ FAULTS: 'health-fail' });
    const res = await request(app).get('/health').expect(500);
    expect(res.body).toEqual({ status: 'fail', reason: 'health-fail fault is active' });
    await request(app).get('/').expect(200);
  });

  it('error-rate fails exactly the requests whose random draw is below the rate; /health stays 200', async () => {
    const { app } = buildTestApp({ FAULTS: 'error-rate=0.5' }, { random: sequence(0.49, 0.5, 0.1, 0.9) });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(app).get('/')).status);
    expect(statuses).toEqual([500, 200, 500, 200]);
    await request(app).get('/health').expect(200);
  });

  it('error-rate=0 never fails a request', async () => {
    const { app } = buildTestApp({ FAULTS: 'error-rate=0' }, { random: () => 0 });
    await request(app).get('/').expect(200);
  });

  it('latency delays / by the given milliseconds, and not /health', async () => {
    const { app, clock } = buildTestApp({ FAULTS: 'latency=1500' });
    await request(app).get('/').expect(200);
    expect(clock.sleeps).toEqual([1500]);
    await request(app).get('/health').expect(200);
    expect(clock.sleeps).toEqual([1500]);
  });

  it('slow-start answers 503 with the time left until the given seconds have passed, then 200', async () => {
    const { app, clock } = buildTestApp({ FAULTS: 'slow-start=30' });
    let res = await request(app).get('/health').expect(503);
    expect(res.body).toEqual({ status: 'starting', reason: 'slow-start fault: ready in 30.0 s' });
    clock.advance(29_999);
    await request(app).get('/health').expect(503);
    clock.advance(1);
    res = await request(app).get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('dependency-down answers 503 naming the address and the failure when the probe fails', async () => {
    const probe = jest.fn(() => Promise.resolve({ ok: false as const, reason: 'ENOTFOUND' }));
    const { app } = buildTestApp({ FAULTS: 'dependency-down' }, { probeDependency: probe });
    const res = await request(app).get('/health').expect(503);
    expect(res.body).toEqual({
      status: 'fail',
      reason: 'Database connection failed: nonexistent-db.local:5432: ENOTFOUND',
    });
    expect(probe).toHaveBeenCalledTimes(1);
  });

  it('dependency-down answers 200 when the address accepts connections (real TCP probe)', async () => {
    const db = net.createServer((socket) => socket.end());
    await new Promise<void>((resolve) => db.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = db.address() as net.AddressInfo;
      const { app } = buildTestApp({ FAULTS: `dependency-down=127.0.0.1:${port}` });
      await request(app).get('/health').expect(200);
    } finally {
      await new Promise((resolve) => db.close(resolve));
    }
  });

  it('dependency-down answers 503 when the address refuses connections (real TCP probe)', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const { app } = buildTestApp({ FAULTS: `dependency-down=127.0.0.1:${port}` });
    const res = await request(app).get('/health').expect(503);
    expect(res.body.reason).toBe(`Database connection failed: 127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('while draining, /health answers 503 whatever else is on, and responses close their connection', async () => {
    const { app, lifecycle } = buildTestApp({ FAULTS: 'health-fail' });
    lifecycle.draining = true;
    const res = await request(app).get('/health').expect(503);
    expect(res.body).toEqual({ status: 'draining', reason: 'shutting down' });
    expect(res.headers.connection).toBe('close');
  });
});
