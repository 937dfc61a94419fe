import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../../src/local/clock';
import { LbMetrics, type RequestRecord } from '../../src/local/cloudwatch/lb-metrics';
import { LocalLoadBalancer } from '../../src/local/elb/load-balancer';
import { TargetGroup, type Target } from '../../src/local/elb/target-group';

/** Checks that never mark a target unhealthy within a test. */
const healthCheck = { intervalMs: 60_000, timeoutMs: 1000, healthyThreshold: 1, unhealthyThreshold: 1 };

/** A loopback HTTP server to register as a target. */
export async function backend(
  handler: http.RequestListener,
): Promise<{ server: http.Server; target: Target }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, target: { id: `t${port}`, host: '127.0.0.1', port } };
}

/** A local load balancer listening on loopback with empty blue and green groups, and the requests it saw. */
export async function balancer(random = () => 0.5, idleTimeoutMs?: number) {
  const metrics = new LbMetrics(systemClock);
  const records: RequestRecord[] = [];
  metrics.subscribe((r) => records.push(r));
  const make = (name: string): TargetGroup =>
    new TargetGroup({
      name,
      healthCheck,
      deregistrationDelayMs: 0,
      clock: systemClock,
      check: () => Promise.resolve(true),
    });
  const groups = { blue: make('blue'), green: make('green') };
  const lb = new LocalLoadBalancer({ groups, metrics, clock: systemClock, random, idleTimeoutMs });
  const urls = await lb.listen();
  const close = async (): Promise<void> => {
    groups.blue.close();
    groups.green.close();
    await lb.close();
  };
  return { lb, groups, urls, records, close };
}
