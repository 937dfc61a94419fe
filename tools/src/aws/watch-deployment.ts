import {
  GetDeploymentCommand,
  GetDeploymentTargetCommand,
  ListDeploymentTargetsCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type ECSTarget,
} from '@aws-sdk/client-codedeploy';

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

export type WatchOutcome =
  'succeeded' | 'rolled-back' | 'failed' | 'stopped' | 'rollback-failed' | 'interrupted';

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

/**
 * Polls a CodeDeploy deployment until it ends, reporting every change of status, lifecycle event, traffic
 * weights, error and rollback as it happens, then follows the rollback deployment, if any. Aborting
 * returns what was seen with outcome `interrupted`.
 */
export async function watchDeployment(options: WatchOptions): Promise<WatchResult> {
  const { client, deploymentId, now } = options;
  const events: WatchEvent[] = [];
  const emit = (event: WatchEvent): void => {
    events.push(event);
    options.onEvent?.(event);
  };
  const lifecycle = new Map<string, string>();
  const targetIds: string[] = [];
  let status: string | undefined;
  let traffic = '';
  let errorSeen = false;
  let rollbackSeen = false;

  for (;;) {
    const { deploymentInfo: info = {} } = await client.send(new GetDeploymentCommand({ deploymentId }));
    const target = await readTarget(client, deploymentId, targetIds);
    const at = now();

    // A new status opens the poll's news, except the final one, which closes it.
    const newStatus = info.status && info.status !== status ? info.status : undefined;
    if (newStatus) status = newStatus;
    if (newStatus && !TERMINAL.has(newStatus)) emit({ at, deploymentId, type: 'status', status: newStatus });
    for (const event of target?.lifecycleEvents ?? []) {
      const name = event.lifecycleEventName ?? '?';
      const eventStatus = event.status ?? 'Unknown';
      if (lifecycle.get(name) === eventStatus || (eventStatus === 'Pending' && !lifecycle.has(name)))
        continue;
      lifecycle.set(name, eventStatus);
      const diagnostics = [event.diagnostics?.errorCode, event.diagnostics?.message]
        .filter(Boolean)
        .join(': ');
      emit({
        at: time(event.endTime) ?? time(event.startTime) ?? at,
        deploymentId,
        type: 'lifecycle',
        name,
        status: eventStatus,
        ...(event.startTime && { startTime: event.startTime.getTime() }),
        ...(event.endTime && { endTime: event.endTime.getTime() }),
        ...(diagnostics && { diagnostics }),
      });
    }
    const taskSets = taskSetsOf(target);
    const trafficKey = JSON.stringify(taskSets);
    if (taskSets.length > 0 && trafficKey !== traffic) {
      traffic = trafficKey;
      emit({ at, deploymentId, type: 'traffic', taskSets });
    }
    // The stop is known by the time the deployment completes; the poll may come later.
    const stopAt = Math.min(at, time(info.completeTime) ?? at);
    if (info.errorInformation && !errorSeen) {
      errorSeen = true;
      emit({
        at: stopAt,
        deploymentId,
        type: 'error',
        code: info.errorInformation.code ?? 'UNKNOWN',
        message: info.errorInformation.message ?? '',
      });
    }
    const rollbackInfo = info.rollbackInfo;
    if (
      rollbackInfo &&
      (rollbackInfo.rollbackDeploymentId || rollbackInfo.rollbackMessage) &&
      !rollbackSeen
    ) {
      rollbackSeen = true;
      emit({
        at: stopAt,
        deploymentId,
        type: 'rollback',
        message: rollbackInfo.rollbackMessage ?? '',
        ...(rollbackInfo.rollbackDeploymentId && { rollbackDeploymentId: rollbackInfo.rollbackDeploymentId }),
      });
    }

    if (newStatus && TERMINAL.has(newStatus)) {
      emit({ at: time(info.completeTime) ?? at, deploymentId, type: 'status', status: newStatus });
    }
    if (status !== undefined && TERMINAL.has(status)) {
      const rollbackId = rollbackInfo?.rollbackDeploymentId;
      const rollback =
        rollbackId && options.followRollback !== false && !options.signal?.aborted
          ? await watchDeployment({ ...options, deploymentId: rollbackId, followRollback: false })
          : undefined;
      return result(info, rollback);
    }
    if (options.signal?.aborted) return { ...result(info), outcome: 'interrupted' };
    await options.sleep(options.pollMs, options.signal);
    if (options.signal?.aborted) return { ...result(info), outcome: 'interrupted' };
  }

  function result(info: DeploymentInfo, rollback?: WatchResult): WatchResult {
    return {
      deploymentId,
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
}
