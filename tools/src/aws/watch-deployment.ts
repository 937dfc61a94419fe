import {
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type ECSTarget,
} from '@aws-sdk/client-codedeploy';
import type { CodeDeployTaskSet, ServiceRef, WhatRunsCheck } from './what-runs/what-runs';

/** Something that changed in a deployment, at `at` (epoch ms: AWS's own timestamp when it gives one). */
export type WatchEvent =
  | { at: number; deploymentId: string; type: 'status'; status: string }
  | {
      at: number;
      deploymentId: string;
      type: 'lifecycle';
      name: string;
      status: string;
      startTime?: number;
      endTime?: number;
      diagnostics?: string;
    }
  | { at: number; deploymentId: string; type: 'traffic'; taskSets: TaskSetView[] }
  /** Status Ready: held before production traffic until ContinueDeployment, or stopped at `expiresAt`. */
  | { at: number; deploymentId: string; type: 'held'; waitMinutes?: number; expiresAt?: number }
  | { at: number; deploymentId: string; type: 'error'; code: string; message: string }
  | { at: number; deploymentId: string; type: 'rollback'; message: string; rollbackDeploymentId?: string };

/** One task set (blue or green) of an ECS deployment. */
export interface TaskSetView {
  label: string;
  trafficWeight: number;
  running: number;
  desired: number;
  pending: number;
  status: string;
  targetGroup?: string;
}

/**
 * How a watch ended. `mismatch`: the controller reported success or a rollback, but what the service runs
 * afterwards (read from ECS and the load balancer) is not what that outcome means.
 */
export type WatchOutcome =
  'succeeded' | 'rolled-back' | 'failed' | 'stopped' | 'rollback-failed' | 'interrupted' | 'mismatch';

export interface WatchResult {
  deploymentId: string;
  status: string;
  outcome: WatchOutcome;
  createTime?: number;
  completeTime?: number;
  error?: { code: string; message: string };
  rollbackMessage?: string;
  events: WatchEvent[];
  /** The deployment CodeDeploy created to roll this one back, followed to its end. */
  rollback?: WatchResult;
  /** The ECS service the deployment targets (`GetDeploymentTarget`'s target id and ARN). */
  service?: ServiceRef;
  /** Every task set the deployment named, with CodeDeploy's label (`taskSetsInfo`). */
  taskSets?: CodeDeployTaskSet[];
  /** The outcome CodeDeploy reported, when what the service runs turned it into a `mismatch`. */
  reportedOutcome?: WatchOutcome;
  /** What the service runs once the deployment ended, against what its outcome means. */
  whatRuns?: WhatRunsCheck;
}

export interface WatchOptions {
  client: CodeDeployClient;
  deploymentId: string;
  pollMs: number;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  onEvent?: (event: WatchEvent) => void;
  signal?: AbortSignal;
  /** Follow `rollbackInfo.rollbackDeploymentId` when the deployment is rolled back by a new one. @default true */
  followRollback?: boolean;
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

/**
 * The status of a blue/green deployment waiting for ContinueDeployment (CodeDeploy API Reference,
 * "DeploymentInfo" status Ready; the group's DeploymentReadyOption STOP_DEPLOYMENT).
 */
export const HELD_STATUS = 'Ready';

/**
 * The hold's wait from the deployment's own configuration; its start is the end of Install, when the
 * replacement task set is provisioned and the wait begins (CodeDeploy User Guide, "Create a deployment
 * group for an Amazon ECS deployment"), or else the poll that saw Ready.
 */
function heldEvent(
  info: DeploymentInfo,
  target: ECSTarget | undefined,
  at: number,
): { type: 'held'; waitMinutes?: number; expiresAt?: number } {
  const ready = info.blueGreenDeploymentConfiguration?.deploymentReadyOption;
  const waitMinutes = ready?.actionOnTimeout === 'STOP_DEPLOYMENT' ? ready.waitTimeInMinutes : undefined;
  if (waitMinutes === undefined) return { type: 'held' };
  const install = target?.lifecycleEvents?.find((e) => e.lifecycleEventName === 'Install')?.endTime;
  return { type: 'held', waitMinutes, expiresAt: (install?.getTime() ?? at) + waitMinutes * 60_000 };
}

const time = (date: Date | undefined): number | undefined => date?.getTime();

function taskSetsOf(target: ECSTarget | undefined): TaskSetView[] {
  return (target?.taskSetsInfo ?? []).map((set) => ({
    label: set.taskSetLabel ?? set.identifer ?? '?',
    trafficWeight: set.trafficWeight ?? 0,
    running: set.runningCount ?? 0,
    desired: set.desiredCount ?? 0,
    pending: set.pendingCount ?? 0,
    status: set.status ?? '?',
    ...(set.targetGroup?.name && { targetGroup: set.targetGroup.name }),
  }));
}

/** What the deployment's target says of the service and its task sets, kept across polls. */
class TargetFacts {
  service: ServiceRef | undefined;
  private readonly taskSets = new Map<string, CodeDeployTaskSet>();

  read(target: ECSTarget | undefined): void {
    // An ECS target is named "<clustername>:<servicename>" (CodeDeploy API Reference, DeploymentGroupInfo).
    const cluster = target?.targetId?.split(':')[0];
    const service = target?.targetArn ?? target?.targetId?.split(':')[1];
    if (cluster && service) this.service = { cluster, service };
    for (const set of target?.taskSetsInfo ?? []) {
      if (set.identifer && set.taskSetLabel)
        this.taskSets.set(set.identifer, { label: set.taskSetLabel, identifier: set.identifer });
    }
  }

  get fields(): Pick<WatchResult, 'service' | 'taskSets'> {
    return {
      ...(this.service && { service: this.service }),
      ...(this.taskSets.size > 0 && { taskSets: [...this.taskSets.values()] }),
    };
  }
}

/** ECS deployments have one target (the service); its lifecycle events and task sets carry the progress. */
async function readTarget(
  client: CodeDeployClient,
  deploymentId: string,
  known: string[],
): Promise<ECSTarget | undefined> {
  if (known.length === 0) {
    try {
      const { targetIds = [] } = await client.send(new ListDeploymentTargetsCommand({ deploymentId }));
      known.push(...targetIds);
    } catch (error) {
      // A deployment that is still Created or Queued has no targets yet.
      if (error instanceof Error && error.name === 'DeploymentNotStartedException') return undefined;
      throw error;
    }
  }
  const targetId = known[0];
  if (targetId === undefined) return undefined;
  const { deploymentTarget } = await client.send(new GetDeploymentTargetCommand({ deploymentId, targetId }));
  return deploymentTarget?.ecsTarget;
}

function outcomeOf(info: DeploymentInfo, rollback?: WatchResult): WatchOutcome {
  if (info.status === 'Succeeded') return 'succeeded';
  if (rollback) return rollback.status === 'Succeeded' ? 'rolled-back' : 'rollback-failed';
  // ECS blue/green rolls back inside the deployment: production returns to blue and a message says so.
  if (info.rollbackInfo?.rollbackMessage) return 'rolled-back';
  return info.status === 'Stopped' ? 'stopped' : 'failed';
}

function resultOf(info: DeploymentInfo, events: WatchEvent[], rollback?: WatchResult): WatchResult {
  return {
    deploymentId: info.deploymentId ?? '?',
    status: info.status ?? 'Unknown',
    outcome: outcomeOf(info, rollback),
    ...(info.createTime && { createTime: info.createTime.getTime() }),
    ...(info.completeTime && { completeTime: info.completeTime.getTime() }),
    ...(info.errorInformation && {
      error: {
        code: info.errorInformation.code ?? 'UNKNOWN',
        message: info.errorInformation.message ?? '',
      },
    }),
    ...(info.rollbackInfo?.rollbackMessage && { rollbackMessage: info.rollbackInfo.rollbackMessage }),
    events,
    ...(rollback && { rollback }),
  };
}

/** `Omit` applied to each member of a union, so a discriminated union stays one. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Remembers what one deployment has shown so far and turns each poll into the events that are new. */
class DeploymentNews {
  readonly events: WatchEvent[] = [];
  status: string | undefined;
  private readonly lifecycle = new Map<string, string>();
  private traffic = '';
  private errorSeen = false;
  private rollbackSeen = false;

  constructor(
    private readonly deploymentId: string,
    private readonly onEvent?: (event: WatchEvent) => void,
  ) {}

  private emit(event: WatchEvent): void {
    this.events.push(event);
    this.onEvent?.(event);
  }

  /** Everything new in one poll, in the order a reader expects: status, lifecycle, traffic, stop. */
  read(info: DeploymentInfo, target: ECSTarget | undefined, at: number): void {
    // A new status opens the poll's news, except the final one, which closes it.
    const newStatus = info.status && info.status !== this.status ? info.status : undefined;
    if (newStatus) this.status = newStatus;
    if (newStatus && !TERMINAL.has(newStatus))
      this.emit(this.event(at, { type: 'status', status: newStatus }));
    this.readLifecycle(target, at);
    if (newStatus === HELD_STATUS) this.emit(this.event(at, heldEvent(info, target, at)));
    this.readTraffic(target, at);
    this.readStop(info, at);
    if (newStatus && TERMINAL.has(newStatus)) {
      this.emit(this.event(time(info.completeTime) ?? at, { type: 'status', status: newStatus }));
    }
  }

  get ended(): boolean {
    return this.status !== undefined && TERMINAL.has(this.status);
  }

  private event<E extends DistributiveOmit<WatchEvent, 'at' | 'deploymentId'>>(
    at: number,
    rest: E,
  ): WatchEvent {
    return { at, deploymentId: this.deploymentId, ...rest };
  }

  private readLifecycle(target: ECSTarget | undefined, at: number): void {
    for (const event of target?.lifecycleEvents ?? []) {
      const name = event.lifecycleEventName ?? '?';
      const status = event.status ?? 'Unknown';
      if (this.lifecycle.get(name) === status || (status === 'Pending' && !this.lifecycle.has(name)))
        continue;
      this.lifecycle.set(name, status);
      const diagnostics = [event.diagnostics?.errorCode, event.diagnostics?.message]
        .filter(Boolean)
        .join(': ');
      this.emit(
        this.event(time(event.endTime) ?? time(event.startTime) ?? at, {
          type: 'lifecycle',
          name,
          status,
          ...(event.startTime && { startTime: event.startTime.getTime() }),
          ...(event.endTime && { endTime: event.endTime.getTime() }),
          ...(diagnostics && { diagnostics }),
        }),
      );
    }
  }

  private readTraffic(target: ECSTarget | undefined, at: number): void {
    const taskSets = taskSetsOf(target);
    const key = JSON.stringify(taskSets);
    if (taskSets.length === 0 || key === this.traffic) return;
    this.traffic = key;
    this.emit(this.event(at, { type: 'traffic', taskSets }));
  }

  private readStop(info: DeploymentInfo, at: number): void {
    // The stop is known by the time the deployment completes; the poll may come later.
    const stopAt = Math.min(at, time(info.completeTime) ?? at);
    const error = info.errorInformation;
    if (error && !this.errorSeen) {
      this.errorSeen = true;
      this.emit(
        this.event(stopAt, { type: 'error', code: error.code ?? 'UNKNOWN', message: error.message ?? '' }),
      );
    }
    const rollback = info.rollbackInfo;
    if (rollback && (rollback.rollbackDeploymentId || rollback.rollbackMessage) && !this.rollbackSeen) {
      this.rollbackSeen = true;
      this.emit(
        this.event(stopAt, {
          type: 'rollback',
          message: rollback.rollbackMessage ?? '',
          ...(rollback.rollbackDeploymentId && { rollbackDeploymentId: rollback.rollbackDeploymentId }),
        }),
      );
    }
  }
}

/**
 * Polls a CodeDeploy deployment until it ends, reporting every change of status, lifecycle event, traffic
 * weights, error and rollback as it happens, then follows the rollback deployment, if any. Aborting
 * returns what was seen with outcome `interrupted`.
 */
export async function watchDeployment(options: WatchOptions): Promise<WatchResult> {
  const { client, deploymentId } = options;
  const news = new DeploymentNews(deploymentId, options.onEvent);
  const targetIds: string[] = [];
  const facts = new TargetFacts();
  for (;;) {
    const { deploymentInfo = {} } = await client.send(new GetDeploymentCommand({ deploymentId }));
    const info = { ...deploymentInfo, deploymentId };
    const target = await readTarget(client, deploymentId, targetIds);
    facts.read(target);
    news.read(info, target, options.now());
    if (news.ended) {
      const rollbackId = info.rollbackInfo?.rollbackDeploymentId;
      const rollback =
        rollbackId && options.followRollback !== false && !options.signal?.aborted
          ? await watchDeployment({ ...options, deploymentId: rollbackId, followRollback: false })
          : undefined;
      return { ...resultOf(info, news.events, rollback), ...facts.fields };
    }
    if (!options.signal?.aborted) await options.sleep(options.pollMs, options.signal);
    if (options.signal?.aborted)
      return { ...resultOf(info, news.events), ...facts.fields, outcome: 'interrupted' };
  }
}
