import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { EXIT_CODES } from '../../src/exit-codes';
import { settings } from '../../../contract/settings';
import { HEALTHCHECK_ENTRY, freePort, get, spawnService, stopAll } from '../support/service-process';

afterEach(stopAll);

describe('start-up of the built service', () => {
  it('listens on PORT, answers, and logs the active faults at start', async () => {
    const service = await spawnService({ FAULTS: 'latency=1' });
    const listening = await service.ready();
    expect(listening).toMatchObject({ port: service.port, faults: 'latency=1' });
    expect(service.logs[0]).toMatchObject({ msg: 'starting with FAULTS="latency=1"', faults: 'latency=1' });
    const agent = new http.Agent({ keepAlive: true });
    const res = await get(service.port, '/', agent);
    agent.destroy();
    expect(res.status).toBe(200);
    expect(res.headers['x-app-version']).toBe('proc-test');
    // Idle keep-alive connections must outlive the ALB's, or the ALB reuses a socket Node just closed (502).
    expect(res.headers['keep-alive']).toBe(`timeout=${settings.http.keepAliveTimeoutMs / 1000}`);
    expect(settings.http.keepAliveTimeoutMs).toBeGreaterThan(settings.http.albIdleTimeoutSeconds * 1000);
    expect(settings.http.headersTimeoutMs).toBeGreaterThan(settings.http.keepAliveTimeoutMs);
  });

  it.each([
    ['FAULTS', 'nope', 'unknown fault "nope"'],
    ['FAULTS', 'error-rate=1.5', 'a number from 0 to 1'],
    ['FAULTS', 'latency=-5', 'whole number of milliseconds from 0 to 2147483647'],
    ['FAULTS', 'latency=3000000000', 'the longest delay a timer holds'],
    ['FAULTS', 'crash-after=2147484', 'seconds from 0 to 2147483.647 (the longest delay a timer holds)'],
    ['FAULTS', 'wrong-port=abc', 'port from 1 to 65535'],
    ['FAULTS', 'wrong-port=70000', 'port from 1 to 65535'],
    ['PORT', 'abc', 'an integer port from 1 to 65535'],
    ['PORT', '0', 'an integer port from 1 to 65535'],
    ['PORT', '65536', 'an integer port from 1 to 65535'],
    ['METRICS_PORT', 'abc', 'an integer port from 1 to 65535'],
    ['METRICS_PORT', '0', 'an integer port from 1 to 65535'],
    ['HOST', 'not a host', 'an IPv4 or IPv6 address or a host name'],
    ['LOG_LEVEL', 'loud', 'one of fatal, error, warn, info'],
    ['APP_VERSION', 'two words', 'visible ASCII characters without spaces'],
  ])(
    '%s=%s stops it before listening, with exit 78 and one message naming it',
    async (variable, value, allowed) => {
      const service = await spawnService({ [variable]: value });
      const exit = await service.exited;
      expect(exit.code).toBe(EXIT_CODES.config);
      expect(service.logs).toHaveLength(1);
      expect(service.logs[0]).toMatchObject({ level: 'fatal', variable, value });
      expect(service.logs[0]!.msg).toContain(`${variable}=${JSON.stringify(value)} is not valid: `);
      expect(service.logs[0]!.msg).toContain(allowed);
    },
  );

  it.each([
    ['wrong-port equal to PORT', (port: number) => `wrong-port=${port}`, 'a port other than PORT'],
    ['dependency-down at its own port', (port: number) => `dependency-down=127.0.0.1:${port}`, 'own address'],
    ['latency past the ALB idle timeout', () => 'latency=60000', 'answers 504 itself'],
    ['slow-start past the container health check', () => 'slow-start=40', 'ECS replaces it'],
  ])('%s stops it before listening, with exit 78', async (_, faults, why) => {
    const port = await freePort();
    const service = await spawnService({ PORT: String(port), FAULTS: faults(port) });
    expect((await service.exited).code).toBe(EXIT_CODES.config);
    expect(service.logs).toHaveLength(1);
    expect(service.logs[0]).toMatchObject({ level: 'fatal', variable: 'FAULTS' });
    expect(service.logs[0]!.msg).toContain(why);
  });

  it('stops before listening on a FAULTS value of 100 KB with one log line of bounded size', async () => {
    // Linux caps one environment string at 128 KB, so this is about the longest FAULTS a process gets.
    const faults = 'nope'.repeat(25_600);
    const service = await spawnService({ FAULTS: faults });
    expect((await service.exited).code).toBe(EXIT_CODES.config);
    expect(service.logs).toHaveLength(1);
    expect(JSON.stringify(service.logs[0]).length).toBeLessThan(4000);
    expect(service.logs[0]!.msg).toContain(`... (${faults.length} characters) is not valid: unknown fault`);
  });

  it('serves metrics on METRICS_PORT only: on PORT /metrics is a 404 like any unknown path', async () => {
    const service = await spawnService();
    await expect(service.ready()).resolves.toMatchObject({ metricsPort: service.metricsPort });
    await get(service.port, '/');

    const onServicePort = await get(service.port, '/metrics');
    const onMetricsPort = await get(service.metricsPort, '/metrics');

    expect(onServicePort.status).toBe(404);
    expect(onServicePort.body).not.toContain('http_request_duration_seconds');
    expect(onMetricsPort.status).toBe(200);
    expect(onMetricsPort.headers['content-type']).toMatch(/^text\/plain/);
    expect(onMetricsPort.body).toMatch(/http_request_duration_seconds_count\{[^}]*route="\/"/);
    expect((await get(service.metricsPort, '/')).status).toBe(404);
  });

  it('refuses METRICS_PORT equal to PORT before listening, with exit 78 naming METRICS_PORT', async () => {
    const port = await freePort();
    const service = await spawnService({ PORT: String(port), METRICS_PORT: String(port) });
    expect((await service.exited).code).toBe(EXIT_CODES.config);
    expect(service.logs).toHaveLength(1);
    expect(service.logs[0]).toMatchObject({ level: 'fatal', variable: 'METRICS_PORT', value: String(port) });
    expect(service.logs[0]!.msg).toContain(`a port other than PORT (${port})`);
  });

  it('startup-crash logs why and exits non-zero without ever listening', async () => {
    const service = await spawnService({ FAULTS: 'startup-crash' });
    const exit = await service.exited;
    expect(exit.code).toBe(EXIT_CODES.injectedCrash);
    expect(service.logs.at(-1)).toMatchObject({ level: 'fatal', fault: 'startup-crash' });
    expect(service.logs.some((l) => l.msg.startsWith('listening'))).toBe(false);
  });

  it('wrong-port listens on the fault port and not on PORT', async () => {
    const faultPort = await freePort();
    const service = await spawnService({ FAULTS: `wrong-port=${faultPort}` });
    await expect(service.ready()).resolves.toMatchObject({ port: faultPort, configuredPort: service.port });
    expect((await get(faultPort, '/health')).status).toBe(200);
    await expect(get(service.port, '/health')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    // The fault moves the service's listener only: metrics stay where the scraper looks.
    expect((await get(service.metricsPort, '/metrics')).status).toBe(200);
  });

  it('reports a port that is taken like bad configuration: exit 78 naming PORT', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const service = await spawnService({ PORT: String(port) });
      const exit = await service.exited;
      expect(exit.code).toBe(EXIT_CODES.config);
      expect(service.logs.at(-1)).toMatchObject({ level: 'fatal', variable: 'PORT', value: String(port) });
      expect(service.logs.at(-1)!.msg).toContain('already in use');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('reports a metrics port that is taken like bad configuration: exit 78 naming METRICS_PORT', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const service = await spawnService({ METRICS_PORT: String(port) });
      const exit = await service.exited;
      expect(exit.code).toBe(EXIT_CODES.config);
      expect(service.logs.at(-1)).toMatchObject({
        level: 'fatal',
        variable: 'METRICS_PORT',
        value: String(port),
      });
      expect(service.logs.at(-1)!.msg).toContain('already in use');
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

it('reports a HOST that is not an address of this machine like bad configuration: exit 78 naming HOST', async () => {
  // 192.0.2.1 is TEST-NET-1 (RFC 5737): never assigned to a local interface.
  const service = await spawnService({ HOST: '192.0.2.1' });
  const exit = await service.exited;
  expect(exit.code).toBe(EXIT_CODES.config);
  expect(service.logs.at(-1)).toMatchObject({ level: 'fatal', variable: 'HOST', value: '192.0.2.1' });
  expect(service.logs.at(-1)!.msg).toContain('an address of this machine');
});

describe('the health-check entry', () => {
  const runHealthcheck = (port: number): Promise<number | null> =>
    new Promise((resolve) => {
      spawn(process.execPath, [HEALTHCHECK_ENTRY], { env: { PORT: String(port) }, stdio: 'ignore' }).once(
        'close',
        resolve,
      );
    });

  it('exits 0 against a healthy service', async () => {
    const service = await spawnService();
    await service.ready();
    expect(await runHealthcheck(service.port)).toBe(0);
  });

  it('exits 1 when /health answers 500', async () => {
    const service = await spawnService({ FAULTS: 'health-fail' });
    await service.ready();
    expect(await runHealthcheck(service.port)).toBe(1);
  });

  it('exits 1 when nothing listens', async () => {
    expect(await runHealthcheck(await freePort())).toBe(1);
  });
});
