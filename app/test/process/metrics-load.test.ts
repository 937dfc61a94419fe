import path from 'node:path';
import { get, spawnService, stopAll } from '../support/service-process';

afterEach(stopAll);

const PRELOAD = path.resolve(__dirname, '../support/log-prom-client-load.js');

describe('the metrics registry of the built service', () => {
  it('is loaded after the server listens, not before: start-up does not wait for prom-client', async () => {
    const service = await spawnService({ NODE_OPTIONS: `--require ${PRELOAD}` });
    await service.waitForLog((l) => l.msg === 'prom-client loaded', 'prom-client being loaded');

    const order = service.logs.map((l) => l.msg);
    const listening = order.findIndex((msg) => msg.startsWith('listening on'));
    expect(listening).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('prom-client loaded')).toBeGreaterThan(listening);
  });

  it('counts the requests answered before it was loaded in the first scrape', async () => {
    const service = await spawnService();
    await service.ready();
    await get(service.port, '/');
    await get(service.port, '/');

    const scrape = await get(service.metricsPort, '/metrics');

    expect(scrape.status).toBe(200);
    expect(scrape.body).toMatch(
      /http_request_duration_seconds_count\{[^}]*route="\/"[^}]*status_code="200"[^}]*\} 2/,
    );
  });
});
