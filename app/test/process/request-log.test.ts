import { get, spawnService, stopAll } from '../support/service-process';

afterEach(stopAll);

describe('request log lines of the built service', () => {
  it('writes a lone request line without waiting for more traffic, with id, route, status and duration', async () => {
    const service = await spawnService();
    await service.ready();

    const res = await get(service.port, '/?probe=lone');
    const line = await service.waitForLog((l) => l.msg === 'GET /?probe=lone 200', 'the request line');

    expect(res.status).toBe(200);
    expect(line).toMatchObject({
      level: 'info',
      req: { id: res.headers['x-request-id'], method: 'GET', url: '/?probe=lone' },
      res: { statusCode: 200 },
    });
    expect(line.responseTime).toEqual(expect.any(Number));
  });

  it('has every request line out before it exits on SIGTERM', async () => {
    const service = await spawnService();
    await service.ready();

    const responses = await Promise.all(Array.from({ length: 50 }, (_, i) => get(service.port, `/?n=${i}`)));
    service.child.kill('SIGTERM');
    const exit = await service.exited;

    expect(exit.code).toBe(0);
    const logged = service.logs.filter((l) => l.msg.startsWith('GET /?n='));
    expect(logged.map((l) => (l.req as { id: string }).id).sort()).toEqual(
      responses.map((r) => r.headers['x-request-id']).sort(),
    );
    expect(service.logs.at(-1)).toMatchObject({ msg: 'drained: all connections closed' });
  });
});
