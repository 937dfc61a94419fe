import type http from 'node:http';
import { systemClock } from '../../../src/local/clock';
import { LbMetrics } from '../../../src/local/cloudwatch/lb-metrics';
import { LocalLoadBalancer } from '../../../src/local/elb/load-balancer';
import { backend, balancer } from '../../helpers/local-balancer';

const get = async (url: string): Promise<{ status: number; body: string }> => {
  const response = await fetch(url);
  return { status: response.status, body: await response.text() };
};

describe('local load balancer', () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  test('weights decide the production target group and must add up to 100', () => {
    const lb = new LocalLoadBalancer({
      groups: {} as never,
      metrics: new LbMetrics(systemClock),
      clock: systemClock,
      random: (() => {
        let i = 0;
        return () => (i++ % 10) / 10;
      })(),
    });
    lb.setProduction({ blue: 90, green: 10 });
    const picks = Array.from({ length: 10 }, () => lb.chooseProductionGroup());
    expect(picks.filter((g) => g === 'green')).toHaveLength(1);
    expect(() => lb.setProduction({ blue: 50, green: 60 })).toThrow(/add up to 100/);
  });

  test('forwards to a healthy target and records the target response per group', async () => {
    const { server, target } = await backend((_req, res) => {
      res.setHeader('x-app-version', 'green');
      res.end('hello');
    });
    servers.push(server);
    const { lb, groups, urls, records, close } = await balancer(() => 0.95);
    groups.green.register(target);
    lb.setProduction({ blue: 90, green: 10 });
    const answer = await get(`${urls.production}/`);
    await close();
    expect(answer).toEqual({ status: 200, body: 'hello' });
    expect(records).toEqual([
      expect.objectContaining({ group: 'green', listener: 'production', status: 200, source: 'target' }),
    ]);
  });

  test('answers 503 itself when the chosen target group has no targets', async () => {
    const { urls, records, close } = await balancer();
    const answer = await get(`${urls.test}/`);
    await close();
    expect(answer.status).toBe(503);
    expect(records[0]).toMatchObject({ status: 503, source: 'elb', listener: 'test', group: 'blue' });
  });

  test('a production rule reset to the empty target group gets 503 for every request, as describeRules shows', async () => {
    // Elastic Load Balancing, Application Load Balancers, "Troubleshoot your Application Load Balancers",
    // HTTP 503: the target groups for the load balancer have no registered targets.
    const { server, target } = await backend((_req, res) => res.end('blue'));
    servers.push(server);
    const { lb, groups, urls, records, close } = await balancer();
    groups.blue.register(target);
    while (groups.blue.counts().healthy === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    lb.setProduction({ blue: 0, green: 100 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => get(`${urls.production}/`)));
    const rules = lb.describeRules();
    await close();
    expect(answers.map((a) => a.status)).toEqual([503, 503, 503, 503, 503]);
    expect(records.map((r) => [r.group, r.listener, r.status, r.source])).toEqual(
      Array.from({ length: 5 }, () => ['green', 'production', 503, 'elb']),
    );
    expect(rules.production.targetGroups).toEqual([
      { arn: expect.stringMatching(/:targetgroup\/blue\//), name: 'blue', weight: 0, healthy: 1 },
      { arn: expect.stringMatching(/:targetgroup\/green\//), name: 'green', weight: 100, healthy: 0 },
    ]);
    expect(rules.test.targetGroups.map((g) => [g.name, g.weight])).toEqual([
      ['blue', 100],
      ['green', 0],
    ]);
    expect(rules.production.arn).not.toBe(rules.test.arn);
  });

  test('answers 502 when the target refuses the connection', async () => {
    const { server, target } = await backend((_req, res) => res.end());
    await new Promise((resolve) => server.close(resolve));
    const { groups, urls, records, close } = await balancer();
    groups.blue.register(target);
    const answer = await get(`${urls.production}/`);
    await close();
    expect(answer.status).toBe(502);
    expect(records[0]).toMatchObject({ status: 502, source: 'elb' });
  });

  test('answers 504 when the target sends nothing within the idle timeout', async () => {
    const { server, target } = await backend(() => undefined);
    servers.push(server);
    const { groups, urls, records, close } = await balancer(() => 0.5, 200);
    groups.blue.register(target);
    const answer = await get(`${urls.production}/`);
    server.closeAllConnections();
    await close();
    expect(answer.status).toBe(504);
    expect(records[0]).toMatchObject({ status: 504, source: 'elb' });
  });

  test('a reused keep-alive socket reset by the target is retried once, so the client never sees it', async () => {
    // The target answers the first request on a connection, then resets that connection when it is reused:
    // the race between a keep-alive reuse and the target closing the idle socket.
    const perSocket = new WeakMap<object, number>();
    const { server, target } = await backend((req, res) => {
      const n = (perSocket.get(req.socket) ?? 0) + 1;
      perSocket.set(req.socket, n);
      if (n > 1) req.socket.destroy();
      else res.end('ok');
    });
    servers.push(server);
    const { groups, urls, records, close } = await balancer();
    groups.blue.register(target);
    const answers = [];
    for (let i = 0; i < 3; i += 1) answers.push((await get(`${urls.production}/`)).status);
    await close();
    expect(answers).toEqual([200, 200, 200]);
    expect(records.map((r) => r.status)).toEqual([200, 200, 200]);
  });
});
