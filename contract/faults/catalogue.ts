import { deploymentConfig, trafficShiftSeconds, type DeploymentConfig } from '../deployment-configs';
import { settings, type Settings } from '../settings';

/** How a fault's value is written in `FAULTS` (`name=value`). */
export type FaultValueKind = 'none' | 'port' | 'host-port' | 'probability' | 'milliseconds' | 'seconds';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** The parsed value of each fault. */
export interface FaultValues {
  'health-fail': true;
  'startup-crash': true;
  'wrong-port': number;
  'dependency-down': HostPort;
  'error-rate': number;
  latency: number;
  'crash-after': number;
  'slow-start': number;
}

export type FaultName = keyof FaultValues;

/** The faults switched on for one process: a fault is on when its key is present. */
export type ActiveFaults = { readonly [K in FaultName]?: FaultValues[K] };

export type ReleaseOutcome = 'succeeded' | 'rolled-back';

/** What a CodeDeploy blue/green release of a build with this fault should do, and what tells CodeDeploy. */
export interface ExpectedRelease {
  readonly outcome: ReleaseOutcome;
  /** The signal that triggers the rollback, or why the release succeeds. */
  readonly signal: string;
}

export interface FaultSpec<K extends FaultName = FaultName> {
  readonly name: K;
  readonly valueKind: FaultValueKind;
  /** The value used when the fault is written without one (`name` alone); absent for faults without a value. */
  readonly defaultValue?: string;
  /** What the fault does to the service. */
  readonly effect: string;
  /** The source documents' rehearsal it reproduces (1-5), or `new`. */
  readonly rehearsal: 1 | 2 | 3 | 4 | 5 | 'new';
  /** The expected release outcome as the catalogue states it, in words. */
  readonly expectedText: string;
  /** The expected release outcome for a given value, with this project's settings. */
  readonly expect: (value: FaultValues[K], context: ReleaseContext) => ExpectedRelease;
}

/** What a release's outcome depends on besides the fault: the settings and the deployment configuration. */
export interface ReleaseContext {
  readonly settings: Settings;
  readonly deploymentConfig: DeploymentConfig;
}

/** The context the stack deploys by default. */
export function defaultReleaseContext(config: Settings = settings): ReleaseContext {
  const deployment = deploymentConfig(config.deployment.defaultConfig);
  if (!deployment) throw new Error(`settings.deployment.defaultConfig is not a predefined ECS configuration`);
  return { settings: config, deploymentConfig: deployment };
}

/**
 * Seconds from the first production shift until CodeDeploy ends the deployment: the traffic shift of the
 * deployment configuration, then the bake (termination wait). Alarms can roll back only inside it.
 */
export function secondsUntilDeploymentEnds(context: ReleaseContext): number {
  return (
    trafficShiftSeconds(context.deploymentConfig) + context.settings.deployment.terminationWaitMinutes * 60
  );
}

type Catalogue = { readonly [K in FaultName]: FaultSpec<K> };

/**
 * The earliest a target that fails every health check can be marked unhealthy: the ALB checks a new target
 * right at registration, then once per interval, and the threshold-th failure marks it unhealthy.
 */
export function secondsToUnhealthy(config: Settings = settings): number {
  const hc = config.targetHealthCheck;
  return hc.intervalSeconds * (hc.unhealthyThresholdCount - 1);
}

const rollback = (signal: string): ExpectedRelease => ({ outcome: 'rolled-back', signal });

/** The fault catalogue: the single statement of what each fault does and what a release should do. */
export const FAULT_CATALOGUE: Catalogue = {
  'health-fail': {
    name: 'health-fail',
    valueKind: 'none',
    effect: '/health answers 500',
    rehearsal: 1,
    expectedText: 'green never becomes healthy, production stays on blue, rollback',
    expect: () => rollback('unhealthy-hosts alarm on the target groups; the test-traffic hook'),
  },
  'startup-crash': {
    name: 'startup-crash',
    valueKind: 'none',
    effect: 'the process fails during start-up, logs why, exits non-zero before listening',
    rehearsal: 2,
    expectedText: 'green tasks crash and are restarted, rollback',
    expect: () =>
      rollback(
        'stopped-tasks signal: the stopped-task guard and alarm (tasks stopping during the deployment)',
      ),
  },
  'wrong-port': {
    name: 'wrong-port',
    valueKind: 'port',
    defaultValue: '9999',
    effect: 'the server listens on that port instead of PORT',
    rehearsal: 3,
    expectedText: 'the ALB cannot connect, targets unhealthy, rollback',
    expect: (port, { settings: config }) =>
      port === config.container.port
        ? { outcome: 'succeeded', signal: 'the fault port equals the container port, so nothing is wrong' }
        : rollback('unhealthy-hosts alarm; the test-traffic hook (connection refused)'),
  },
  'dependency-down': {
    name: 'dependency-down',
    valueKind: 'host-port',
    defaultValue: 'nonexistent-db.local:5432',
    effect:
      '/health probes a TCP connection to that address and answers 503 when it fails; the probe gives up within 2 s',
    rehearsal: 4,
    expectedText: 'targets unhealthy, rollback',
    expect: () => rollback('unhealthy-hosts alarm; the test-traffic hook'),
  },
  'error-rate': {
    name: 'error-rate',
    valueKind: 'probability',
    defaultValue: '0.5',
    effect: 'GET / answers 500 with that probability; /health stays 200',
    rehearsal: 5,
    expectedText:
      'green is healthy; the hook sees errors through the test listener and fails the deployment before production shifts; if they slip through, the target-5xx alarm fires during the bake period; rollback',
    expect: (rate) =>
      rate === 0
        ? { outcome: 'succeeded', signal: 'a rate of 0 never fails a request' }
        : rollback('the test-traffic hook; target 5xx alarms'),
  },
  latency: {
    name: 'latency',
    valueKind: 'milliseconds',
    defaultValue: '2000',
    effect: 'GET / answers after that delay',
    rehearsal: 'new',
    expectedText:
      "green is healthy; the hook's requests through the test listener are slower than the response-time limit and fail the deployment before production shifts; if they slip through, the response-time alarm fires during the bake period; rollback",
    expect: (ms, { settings: config }) =>
      ms > config.alarms.responseTimeSeconds * 1000
        ? rollback(
            'the test-traffic hook (answers slower than the response-time limit); the target response time alarm if it slips through',
          )
        : {
            outcome: 'succeeded',
            signal: `a delay of ${ms} ms stays under the ${config.alarms.responseTimeSeconds} s response-time alarm`,
          },
  },
  'crash-after': {
    name: 'crash-after',
    valueKind: 'seconds',
    defaultValue: '60',
    effect: 'the process exits non-zero after running that long',
    rehearsal: 'new',
    expectedText:
      'during a deployment: rollback; after a deployment completed: ECS restarts the tasks and nothing rolls back',
    expect: (seconds, context) =>
      seconds < secondsUntilDeploymentEnds(context)
        ? rollback(
            'stopped-tasks signal, while the deployment (traffic shift and bake period included) is still in progress',
          )
        : {
            outcome: 'succeeded',
            signal:
              'the crash comes after the deployment ended; ECS restarts the task and nothing rolls back (rollback only happens while a deployment is in progress)',
          },
  },
  'slow-start': {
    name: 'slow-start',
    valueKind: 'seconds',
    defaultValue: '30',
    effect: '/health answers 503 for that long after start',
    rehearsal: 'new',
    expectedText: 'succeeds when the health-check grace and thresholds allow for it, rolls back otherwise',
    expect: (seconds, { settings: config }) =>
      seconds < secondsToUnhealthy(config)
        ? {
            outcome: 'succeeded',
            signal: `ready within ${secondsToUnhealthy(config)} s, before failed health checks can mark the target unhealthy`,
          }
        : rollback('unhealthy-hosts alarm'),
  },
};

/** Fault names in catalogue order. */
export const FAULT_NAMES = Object.keys(FAULT_CATALOGUE) as FaultName[];

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULT_CATALOGUE, name);
}

/** The expected release outcome for a set of active faults; no fault means a release that succeeds. */
export function expectedRelease(
  active: ActiveFaults,
  context: ReleaseContext = defaultReleaseContext(),
): ExpectedRelease {
  for (const name of FAULT_NAMES) {
    const value = active[name];
    if (value === undefined) continue;
    const expected = (FAULT_CATALOGUE[name] as FaultSpec).expect(value, context);
    if (expected.outcome === 'rolled-back') return expected;
  }
  return { outcome: 'succeeded', signal: 'no fault that fails a release is active' };
}
