import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { settings } from '../../../../contract/settings';
import type { LiveRule } from '../../../../core/weights/production-weights';
import type { Clock } from '../clock';
import type { GroupName, LbMetrics, ListenerName } from '../cloudwatch/lb-metrics';
import { elbErrorPage, proxyRequest, sendElbError, type ElbStatus } from './proxy';
import type { TargetGroup } from './target-group';

/** Production weights: percent of production requests per target group. */
export type Weights = Record<GroupName, number>;

export interface LoadBalancerOptions {
  readonly groups: Record<GroupName, TargetGroup>;
  readonly metrics: LbMetrics;
  readonly clock: Clock;
  /** A number in [0, 1); Math.random by default. */
  readonly random?: () => number;
  /** The ALB idle timeout: a target that sends nothing for this long gets a 504. */
  readonly idleTimeoutMs?: number;
  readonly host?: string;
  /** Ports of the two listeners. @default 0 for both: ephemeral ports */
  readonly ports?: Readonly<Record<ListenerName, number>>;
}

const LOCAL_ARN = 'arn:aws:elasticloadbalancing:local:000000000000';

/** The local listener rules' ARNs, shaped like AWS's so the start check's fix reads as it would there. */
export const LOCAL_RULE_ARN: Record<ListenerName, string> = {
  production: `${LOCAL_ARN}:listener-rule/app/rehearsal/local/production/1`,
  test: `${LOCAL_ARN}:listener-rule/app/rehearsal/local/test/1`,
};

/** A local target group's ARN: its name where AWS puts it. */
export const localTargetGroupArn = (name: GroupName): string => `${LOCAL_ARN}:targetgroup/${name}/local`;

/** Node's parser errors that the ALB answers with something other than 400. */
const CLIENT_ERROR_STATUS: Readonly<Record<string, ElbStatus>> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 400,
};

/**
 * Answers on a raw socket what cannot be answered through a response object: requests Node's parser
 * rejects, and CONNECT (which the ALB does not forward). A socket that is gone or mid-response is closed.
 */
function answerOnSocket(
  socket: Duplex & { _httpMessage?: { headersSent?: boolean } },
  status: ElbStatus,
): void {
  // The client may reset the socket while this is written; that ends only this socket.
  socket.on('error', () => socket.destroy());
  if (!socket.writable || socket._httpMessage?.headersSent) {
    socket.destroy();
    return;
  }
  const body = elbErrorPage(status);
  socket.end(
    [
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
      'content-type: text/plain',
      `content-length: ${Buffer.byteLength(body)}`,
      'server: local-alb',
      'connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

/**
 * The local stand-in for the ALB: a production listener that splits requests between the blue and green
 * target groups by weight, and a test listener that forwards to one group. Counts every request per
 * target group, including its own 502/503/504.
 */
export class LocalLoadBalancer {
  private weights: Weights = { blue: 100, green: 0 };
  private testGroup: GroupName = 'blue';
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  private readonly servers: http.Server[] = [];
  private readonly random: () => number;
  private groups: Record<GroupName, TargetGroup>;
  private metrics: LbMetrics;

  constructor(private readonly options: LoadBalancerOptions) {
    this.random = options.random ?? Math.random;
    this.groups = options.groups;
    this.metrics = options.metrics;
  }

  /**
   * Points both listeners at other target groups, with production all to `blue` and test to `blue`, in one
   * step: what CodeDeploy leaves after a release (the group that was green serves both listeners) becomes
   * the next release's starting point without a request seeing neither. `metrics` counts from now on.
   */
  attach(groups: Record<GroupName, TargetGroup>, metrics: LbMetrics): void {
    this.groups = groups;
    this.metrics = metrics;
    this.weights = { blue: 100, green: 0 };
    this.testGroup = 'blue';
  }

  /** Sends `weights` percent of production requests to each group; they must add up to 100. */
  setProduction(weights: Weights): void {
    if (weights.blue < 0 || weights.green < 0 || weights.blue + weights.green !== 100) {
      throw new Error(
        `production weights must be non-negative and add up to 100, got ${JSON.stringify(weights)}`,
      );
    }
    this.weights = { ...weights };
  }

  get production(): Weights {
    return { ...this.weights };
  }

  setTest(group: GroupName): void {
    this.testGroup = group;
  }

  get test(): GroupName {
    return this.testGroup;
  }

  /**
   * Each listener's forward rule as `DescribeRules` and `DescribeTargetHealth` show it on AWS: its weight
   * per target group and the healthy targets there now; what the native deploy step's start check reads.
   */
  describeRules(): Record<ListenerName, LiveRule> {
    const rule = (listener: ListenerName, weights: Weights): LiveRule => ({
      arn: LOCAL_RULE_ARN[listener],
      targetGroups: (['blue', 'green'] as const).map((name) => ({
        arn: localTargetGroupArn(name),
        name,
        weight: weights[name],
        healthy: this.options.groups[name].counts().healthy,
      })),
    });
    const test: Weights = this.testGroup === 'blue' ? { blue: 100, green: 0 } : { blue: 0, green: 100 };
    return { production: rule('production', this.weights), test: rule('test', test) };
  }

  /** The group the next production request goes to. */
  chooseProductionGroup(): GroupName {
    return this.random() * 100 < this.weights.blue ? 'blue' : 'green';
  }

  /** Opens both listeners (on ephemeral loopback ports unless `ports` names them) and returns their base URLs. */
  async listen(): Promise<Record<ListenerName, string>> {
    const [production, test] = await Promise.all([this.open('production'), this.open('test')]);
    return { production, test };
  }

  /** Closes the listeners and every connection to targets. */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (server) =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      ),
    );
    this.agent.destroy();
  }

  private open(listener: ListenerName): Promise<string> {
    const host = this.options.host ?? '127.0.0.1';
    const server = http.createServer((req, res) => {
      // One request's failure is that request's problem: it must never end the rehearsal.
      this.handle(listener, req, res).catch(() => res.destroy());
    });
    server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (error.code === 'ECONNRESET') socket.destroy();
      else answerOnSocket(socket, CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400);
    });
    server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => answerOnSocket(socket, 405));
    // Like the ALB, keep client connections for the idle timeout; the headers limit must outlast it.
    server.keepAliveTimeout = settings.http.albIdleTimeoutSeconds * 1000;
    server.headersTimeout = server.keepAliveTimeout + 1000;
    this.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.ports?.[listener] ?? 0, host, () =>
        resolve(`http://${host}:${(server.address() as AddressInfo).port}`),
      );
    });
  }

  private async handle(
    listener: ListenerName,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const group = listener === 'production' ? this.chooseProductionGroup() : this.testGroup;
    const target = this.groups[group].pick();
    const record = (status: number, source: 'target' | 'elb', targetMs?: number): void =>
      this.metrics.record({
        at: this.options.clock.now(),
        group,
        listener,
        status,
        source,
        targetMs,
      });
    if (!target) {
      req.resume();
      sendElbError(res, 503);
      record(503, 'elb');
      return;
    }
    const outcome = await proxyRequest(
      req,
      res,
      target,
      {
        agent: this.agent,
        idleTimeoutMs: this.options.idleTimeoutMs ?? settings.http.albIdleTimeoutSeconds * 1000,
        bodyLimitBytes: settings.http.bodyLimitBytes,
      },
      { 'x-forwarded-for': req.socket.remoteAddress ?? '', 'x-forwarded-proto': 'http' },
    );
    record(outcome.status, outcome.source, outcome.targetMs);
  }
}
