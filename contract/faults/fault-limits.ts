import { settings } from '../settings';
import type { ActiveFaults, HostPort } from './catalogue';

/** What the service runs with that decides whether a fault can do what it says. */
export interface FaultContext {
  /** The port the service is configured with (`PORT`). */
  readonly port: number;
  /** The address it binds (`HOST`), when it is a specific one. */
  readonly host?: string;
  /** The port its metrics listener binds (`METRICS_PORT`), which `wrong-port` must leave alone. */
  readonly metricsPort?: number;
}

/** The release's own context: the container port the task definition maps and the metrics port. */
export const RELEASE_FAULT_CONTEXT: FaultContext = {
  port: settings.container.port,
  metricsPort: settings.container.metricsPort,
};

const check = settings.containerHealthCheck;

/**
 * Limits past which a fault stops doing what it says under these settings. Each is derived from the settings
 * the stack deploys, so a change there moves the limit with it.
 */
export const FAULT_LIMITS = {
  /**
   * An ALB closes a front-end connection on which the target sends nothing for its idle timeout and answers
   * 504 itself (Elastic Load Balancing User Guide, "Troubleshoot your Application Load Balancers", HTTP
   * 504): a delay that long is the load balancer's error, not a slow answer.
   */
  latencyBelowMs: settings.http.albIdleTimeoutSeconds * 1000,
  /**
   * The earliest moment the task definition's container health check can mark the task unhealthy: failures
   * count only after the start period, and `retries` of them, `interval` apart, make it UNHEALTHY; ECS then
   * stops the task of a service and starts another (Amazon ECS API Reference, "HealthCheck"). A slower
   * start is never seen to end: the task is replaced while `/health` still answers 503.
   */
  slowStartBelowSeconds: check.startPeriodSeconds + check.intervalSeconds * (check.retries - 1),
} as const;

const LOOPBACK = /^(localhost\.?|127(\.\d{1,3}){3}|0\.0\.0\.0)$/i;

function pointsAtItself(target: HostPort, listenPort: number, context: FaultContext): boolean {
  const host = target.host.toLowerCase();
  const own = LOOPBACK.test(host) || (context.host !== undefined && host === context.host.toLowerCase());
  return own && target.port === listenPort;
}

/**
 * Why these faults, valid one by one, cannot do what they say under `context` and the deployed settings;
 * `undefined` when they can. Pure, so the service (before it listens) and the tools (before a flip is
 * committed) refuse the same values.
 */
export function faultLimitProblem(active: ActiveFaults, context: FaultContext): string | undefined {
  const wrongPort = active['wrong-port'];
  if (wrongPort !== undefined && wrongPort === context.port) {
    return `fault "wrong-port" needs a port other than PORT (${context.port}): the server would listen where it always does and the fault would change nothing`;
  }
  if (wrongPort !== undefined && wrongPort === context.metricsPort) {
    return `fault "wrong-port" needs a port other than METRICS_PORT (${context.metricsPort}): the metrics listener holds it, so the server would fail to start instead of listening where no traffic arrives`;
  }
  const dependency = active['dependency-down'];
  const listenPort = wrongPort ?? context.port;
  if (dependency !== undefined && pointsAtItself(dependency, listenPort, context)) {
    return `fault "dependency-down" points at the service's own address (${dependency.host}:${dependency.port}): the probe would reach the service itself and /health would stay 200; give an address where nothing answers`;
  }
  const latency = active.latency;
  if (latency !== undefined && latency >= FAULT_LIMITS.latencyBelowMs) {
    return `fault "latency" needs fewer than ${FAULT_LIMITS.latencyBelowMs} ms, got ${latency}: after the ALB's idle timeout (${settings.http.albIdleTimeoutSeconds} s) the load balancer answers 504 itself, so the delay would never reach a client`;
  }
  const slowStart = active['slow-start'];
  if (slowStart !== undefined && slowStart >= FAULT_LIMITS.slowStartBelowSeconds) {
    return `fault "slow-start" needs fewer than ${FAULT_LIMITS.slowStartBelowSeconds} s, got ${slowStart}: by then the container health check (start period ${check.startPeriodSeconds} s, ${check.retries} failures ${check.intervalSeconds} s apart) has marked the task unhealthy and ECS replaces it before it is ready; health-fail is the fault for a task that never is`;
  }
  const crashAfter = active['crash-after'];
  if (slowStart !== undefined && crashAfter !== undefined && crashAfter <= slowStart) {
    return `fault "crash-after" (${crashAfter} s) must be longer than "slow-start" (${slowStart} s): the process would exit before /health ever answers 200`;
  }
  return undefined;
}
