/**
 * Following one native ECS blue/green service deployment to its end with `DescribeServiceDeployments`
 * (Amazon ECS API Reference, `ServiceDeployment`): its status, the lifecycle stage it is at, the hooks of
 * that stage, the revisions' task counts and traffic weights, the alarms that triggered, the circuit
 * breaker's count and the rollback. ECS rolls back inside the same service deployment (statuses
 * ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED; ECS Developer
 * Guide, "View service history using Amazon ECS service deployments"), so there is no second deployment to
 * follow as under CodeDeploy.
 */
import {
  DescribeServiceDeploymentsCommand,
  type ECSClient,
  type ServiceDeployment,
  type ServiceRevisionSummary,
} from '@aws-sdk/client-ecs';
import type { WatchOutcome } from './watch-deployment';
import type { ServiceRef, WhatRunsCheck } from './what-runs/what-runs';

/** One service revision of the deployment: blue (a source revision) or green (the target). */
export interface RevisionView {
  readonly role: 'blue' | 'green';
  readonly arn: string;
  readonly productionWeight: number;
  readonly testWeight: number;
  readonly running: number;
  readonly requested: number;
  readonly pending: number;
}

interface At {
  /** Epoch ms: AWS's own timestamp when it gives one, else the poll's. */
  readonly at: number;
  readonly deploymentArn: string;
}

/** Something that changed in a service deployment. */
export type NativeWatchEvent =
  | (At & { readonly type: 'status'; readonly status: string; readonly reason?: string })
  | (At & { readonly type: 'stage'; readonly stage: string })
  | (At & { readonly type: 'traffic'; readonly revisions: readonly RevisionView[] })
  | (At & {
      readonly type: 'hook';
      readonly stage: string;
      readonly status: string;
      readonly hookId?: string;
      readonly targetArn?: string;
      /** AWS_LAMBDA, or PAUSE for the gate's hold. */
      readonly targetType?: string;
      /** When ECS takes `timeoutAction` if nobody has ended the hook (epoch ms). */
      readonly expiresAt?: number;
      readonly timeoutAction?: string;
    })
  | (At & { readonly type: 'alarm'; readonly alarmNames: readonly string[] })
  | (At & { readonly type: 'circuit-breaker'; readonly failureCount: number; readonly threshold: number })
  | (At & { readonly type: 'rollback'; readonly reason: string; readonly serviceRevisionArn?: string });

/** What told ECS to roll back (or stop), read from ECS's own fields, never from its message text. */
export type NativeSignal = 'alarm' | 'hook' | 'circuit-breaker' | 'stop' | 'none';

export interface NativeDecision {
  readonly signal: NativeSignal;
  readonly detail: string;
  /** When it was seen; absent for `none`. */
  readonly at?: number;
}

export interface NativeWatchResult {
  readonly controller: 'ecs';
  readonly deploymentArn: string;
  readonly status: string;
  readonly outcome: WatchOutcome;
  readonly createTime?: number;
  readonly finishTime?: number;
  readonly statusReason?: string;
  /** The last lifecycle stage seen. */
  readonly stage?: string;
  readonly decision: NativeDecision;
  readonly events: NativeWatchEvent[];
  /** The service deployed, as ECS names it in the service deployment (cluster and service ARNs). */
  readonly service?: ServiceRef;
  /** The outcome ECS reported, when what the service runs turned it into a `mismatch`. */
  readonly reportedOutcome?: WatchOutcome;
  /** What the service runs once the deployment ended, against what its outcome means. */
  readonly whatRuns?: WhatRunsCheck;
}

export interface NativeWatchOptions {
  readonly client: ECSClient;
  readonly deploymentArn: string;
  readonly pollMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onEvent?: (event: NativeWatchEvent) => void;
  readonly signal?: AbortSignal;
}

const OUTCOME: Readonly<Record<string, WatchOutcome>> = {
  SUCCESSFUL: 'succeeded',
  ROLLBACK_SUCCESSFUL: 'rolled-back',
  ROLLBACK_FAILED: 'rollback-failed',
  STOPPED: 'stopped',
};

/** ECS's "Completed" statuses. */
const ENDED = new Set(Object.keys(OUTCOME));

/** The hook type of the gate's hold (Amazon ECS API Reference, "DeploymentLifecycleHook" targetType). */
export const PAUSE = 'PAUSE';

/** A pause hook's status while it waits for ContinueServiceDeployment ("DeploymentLifecycleHookDetail"). */
export const AWAITING_ACTION = 'AWAITING_ACTION';

/** Hook statuses that make ECS roll back (ECS Developer Guide, "Lifecycle hooks for Amazon ECS service deployments"). */
const HOOK_FAILED = new Set(['FAILED', 'TIMED_OUT']);

function revision(role: RevisionView['role'], summary: ServiceRevisionSummary): RevisionView {
  return {
    role,
    arn: summary.arn ?? '?',
    productionWeight: summary.requestedProductionTrafficWeight ?? 0,
    testWeight: summary.requestedTestTrafficWeight ?? 0,
    running: summary.runningTaskCount ?? 0,
    requested: summary.requestedTaskCount ?? 0,
    pending: summary.pendingTaskCount ?? 0,
  };
}

function revisionsOf(d: ServiceDeployment): RevisionView[] {
  return [
    ...(d.sourceServiceRevisions ?? []).map((s) => revision('blue', s)),
    ...(d.targetServiceRevision ? [revision('green', d.targetServiceRevision)] : []),
  ];
}

/** `Omit` applied to each member of a union, so a discriminated union stays one. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type Rest = DistributiveOmit<NativeWatchEvent, 'at' | 'deploymentArn'>;

/** Remembers what the deployment has shown so far and turns each poll into the events that are new. */
class NativeNews {
  readonly events: NativeWatchEvent[] = [];
  status: string | undefined;
  stage: string | undefined;
  private readonly hooks = new Map<string, string>();
  private traffic = '';
  private alarms = '';
  private failures = 0;
  private rollbackSeen = false;

  constructor(
    private readonly deploymentArn: string,
    private readonly onEvent?: (event: NativeWatchEvent) => void,
  ) {}

  get ended(): boolean {
    return this.status !== undefined && ENDED.has(this.status);
  }

  private emit(at: number, rest: Rest): void {
    const event = { at, deploymentArn: this.deploymentArn, ...rest } as NativeWatchEvent;
    this.events.push(event);
    this.onEvent?.(event);
  }

  /** Everything new in one poll: status, stage, hooks, traffic, alarms, circuit breaker, rollback. */
  read(d: ServiceDeployment, polledAt: number): void {
    // A change ECS recorded before this poll happened at its updatedAt, not when the poll saw it.
    const updated = d.updatedAt?.getTime();
    const at = updated !== undefined && updated <= polledAt ? updated : polledAt;
    const status = d.status ?? 'UNKNOWN';
    const newStatus = status !== this.status ? status : undefined;
    if (newStatus) this.status = newStatus;
    const reason = d.statusReason ? { reason: d.statusReason } : {};
    if (newStatus && !ENDED.has(newStatus)) this.emit(at, { type: 'status', status: newStatus, ...reason });
    if (d.lifecycleStage && d.lifecycleStage !== this.stage) {
      this.stage = d.lifecycleStage;
      this.emit(at, { type: 'stage', stage: d.lifecycleStage });
    }
    this.readHooks(d, at);
    this.readTraffic(d, at);
    this.readMonitors(d, at);
    if (newStatus && ENDED.has(newStatus)) {
      const end = d.finishedAt?.getTime() ?? d.stoppedAt?.getTime() ?? at;
      this.emit(end, { type: 'status', status: newStatus, ...reason });
    }
  }

  private readHooks(d: ServiceDeployment, at: number): void {
    for (const hook of d.lifecycleHookDetails ?? []) {
      const key = `${this.stage ?? '?'} ${hook.hookId ?? hook.targetArn ?? '?'}`;
      const status = hook.status ?? 'UNKNOWN';
      if (this.hooks.get(key) === status) continue;
      this.hooks.set(key, status);
      this.emit(at, {
        type: 'hook',
        stage: this.stage ?? '?',
        status,
        ...(hook.hookId && { hookId: hook.hookId }),
        ...(hook.targetArn && { targetArn: hook.targetArn }),
        ...(hook.targetType && { targetType: hook.targetType }),
        ...(hook.expiresAt && { expiresAt: hook.expiresAt.getTime() }),
        ...(hook.timeoutAction && { timeoutAction: hook.timeoutAction }),
      });
    }
  }

  private readTraffic(d: ServiceDeployment, at: number): void {
    const revisions = revisionsOf(d);
    const key = JSON.stringify(revisions);
    if (revisions.length === 0 || key === this.traffic) return;
    this.traffic = key;
    this.emit(at, { type: 'traffic', revisions });
  }

  private readMonitors(d: ServiceDeployment, at: number): void {
    const triggered = d.alarms?.triggeredAlarmNames ?? [];
    const alarms = [...triggered].sort().join(',');
    if (triggered.length > 0 && alarms !== this.alarms) {
      this.alarms = alarms;
      this.emit(at, { type: 'alarm', alarmNames: [...triggered] });
    }
    const breaker = d.deploymentCircuitBreaker;
    const failures = breaker?.failureCount ?? 0;
    if (failures > this.failures) {
      this.failures = failures;
      this.emit(at, { type: 'circuit-breaker', failureCount: failures, threshold: breaker?.threshold ?? 0 });
    }
    if (d.rollback && !this.rollbackSeen) {
      this.rollbackSeen = true;
      this.emit(d.rollback.startedAt?.getTime() ?? at, {
        type: 'rollback',
        reason: d.rollback.reason ?? '',
        ...(d.rollback.serviceRevisionArn && { serviceRevisionArn: d.rollback.serviceRevisionArn }),
      });
    }
  }
}

const functionName = (arn: string | undefined): string => arn?.split(':function:')[1] ?? arn ?? 'the hook';

/**
 * What decided the deployment: the first alarm, failed hook or circuit breaker at its threshold that the
 * watch saw; else a rollback or stop with none of them, which is `StopServiceDeployment` (the stopped-task
 * guard, or a person); else, for a deployment that succeeded, nothing.
 */
export function nativeDecision(events: readonly NativeWatchEvent[], outcome: WatchOutcome): NativeDecision {
  for (const e of events) {
    if (e.type === 'alarm') return { signal: 'alarm', detail: `alarm ${e.alarmNames.join(', ')}`, at: e.at };
    // A hold that timed out into CONTINUE let the release go on: no signal stopped it.
    const wentOn = e.type === 'hook' && e.targetType === PAUSE && e.timeoutAction === 'CONTINUE';
    if (e.type === 'hook' && HOOK_FAILED.has(e.status) && !(wentOn && e.status === 'TIMED_OUT'))
      return {
        signal: 'hook',
        detail:
          e.targetType === PAUSE
            ? `the gate's hold ended ${e.status} at ${e.stage}`
            : `${functionName(e.targetArn)} answered ${e.status} at ${e.stage}`,
        at: e.at,
      };
    if (e.type === 'circuit-breaker' && e.threshold > 0 && e.failureCount >= e.threshold)
      return {
        signal: 'circuit-breaker',
        detail: `circuit breaker: ${e.failureCount} failed tasks of a threshold of ${e.threshold}`,
        at: e.at,
      };
  }
  const stops = events.filter(
    (e) =>
      e.type === 'rollback' ||
      (e.type === 'status' && ['STOP_REQUESTED', 'ROLLBACK_REQUESTED', 'STOPPED'].includes(e.status)),
  );
  if (stops.length > 0) {
    const rollback = stops.find((e) => e.type === 'rollback');
    const status = stops.find((e) => e.type === 'status');
    const reason = rollback?.reason || (status?.type === 'status' ? status.reason : undefined);
    return {
      signal: 'stop',
      detail: `stopped by StopServiceDeployment (the stopped-task guard or a person)${reason ? `: ${reason}` : ''}`,
      at: Math.min(...stops.map((e) => e.at)),
    };
  }
  return { signal: 'none', detail: outcome === 'succeeded' ? 'none (every stage passed)' : 'not seen' };
}

function resultOf(
  d: ServiceDeployment,
  deploymentArn: string,
  news: NativeNews,
  outcome?: WatchOutcome,
): NativeWatchResult {
  const status = d.status ?? 'UNKNOWN';
  const decided = outcome ?? OUTCOME[status] ?? 'interrupted';
  return {
    controller: 'ecs',
    deploymentArn,
    status,
    outcome: decided,
    ...(d.createdAt && { createTime: d.createdAt.getTime() }),
    ...((d.finishedAt ?? d.stoppedAt) && { finishTime: (d.finishedAt ?? d.stoppedAt)!.getTime() }),
    ...(d.statusReason && { statusReason: d.statusReason }),
    ...(news.stage && { stage: news.stage }),
    decision: nativeDecision(news.events, decided),
    events: news.events,
    ...(d.clusterArn && d.serviceArn && { service: { cluster: d.clusterArn, service: d.serviceArn } }),
  };
}

/**
 * Polls a service deployment until it ends, reporting every change as it happens. Aborting returns what
 * was seen with outcome `interrupted`. A deployment ECS does not describe (a wrong ARN, or one older than
 * service deployments) fails with ECS's reason.
 */
export async function watchNativeDeployment(options: NativeWatchOptions): Promise<NativeWatchResult> {
  const { client, deploymentArn } = options;
  const news = new NativeNews(deploymentArn, options.onEvent);
  for (;;) {
    const { serviceDeployments = [], failures = [] } = await client.send(
      new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [deploymentArn] }),
    );
    const deployment = serviceDeployments[0];
    if (deployment === undefined) {
      const why = failures.map((f) => [f.reason, f.detail].filter(Boolean).join(': ')).join('; ');
      throw new Error(
        `ECS does not describe the service deployment ${deploymentArn}: ${why || 'no reason given'}`,
      );
    }
    news.read(deployment, options.now());
    if (news.ended) return resultOf(deployment, deploymentArn, news);
    if (!options.signal?.aborted) await options.sleep(options.pollMs, options.signal);
    if (options.signal?.aborted) return resultOf(deployment, deploymentArn, news, 'interrupted');
  }
}
