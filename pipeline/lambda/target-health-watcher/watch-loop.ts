/**
 * The target-health watcher's loop, whichever controller runs the deployment: every poll it asks whether
 * the deployment is still in progress, reads each target group's `DescribeTargetHealth` and hands what it
 * reads to the shared decision (`core/watcher/target-health-decision.ts`). The first target group whose
 * targets have all failed for the confirmation window stops the deployment with rollback. It ends when
 * the deployment is no longer in progress, at its watch limit, or before the Lambda's time runs out.
 */
import {
  DescribeTargetHealthCommand,
  type ElasticLoadBalancingV2Client,
  type TargetHealthDescription,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  judgeTargetGroup,
  type FailingSince,
  type TargetHealthView,
} from '../../../core/watcher/target-health-decision';

/** What the loop needs of the deployment, from the controller's API. */
export interface WatchedDeployment {
  /** The deployment's id or ARN, for the logs. */
  readonly id: string;
  /** Whether it is still in progress: a rollback can still be started. */
  readonly inProgress: () => Promise<boolean>;
  /** Stops it with rollback. */
  readonly stopWithRollback: (reason: string) => Promise<void>;
}

export interface WatchLoopDeps {
  readonly elbv2: ElasticLoadBalancingV2Client;
  /** Both target groups of the service: they swap roles every deployment. */
  readonly targetGroupArns: readonly string[];
  readonly pollMs: number;
  readonly confirmMs: number;
  /** The loop ends this long after it started, whatever it reads. */
  readonly limitMs: number;
  /** Milliseconds the invocation has left (the Lambda context's `getRemainingTimeInMillis`). */
  readonly remainingMs: () => number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** How one watch ended, for the logs and the tests. */
export type WatchOutcome =
  | {
      readonly action: 'stopped';
      readonly deploymentId: string;
      readonly targetGroupArn: string;
      readonly reason: string;
    }
  | { readonly action: 'ended'; readonly reason: string };

/** Room left for the last read and the stop call before the Lambda's own timeout. */
const MARGIN_MS = 10_000;

/** Watches one deployment until it stops it, the deployment ends, or the watch's time is up. */
export async function watchDeployment(
  deps: WatchLoopDeps,
  deployment: WatchedDeployment,
): Promise<WatchOutcome> {
  const end = deps.now() + deps.limitMs;
  const memory = new Map<string, FailingSince>();
  for (;;) {
    if (!(await deployment.inProgress()))
      return ended(deps, `deployment ${deployment.id} is no longer in progress`);
    for (const arn of deps.targetGroupArns) {
      const targets = await readTargets(deps.elbv2, arn);
      const verdict = judgeTargetGroup(targets, memory.get(arn) ?? {}, deps.now(), deps.confirmMs);
      if (verdict.kind === 'stop') {
        await deployment.stopWithRollback(`target-health watcher: ${arn}: ${verdict.reason}`);
        deps.log({
          level: 'warn',
          msg: 'stopped the deployment with rollback',
          deploymentId: deployment.id,
          targetGroupArn: arn,
          reason: verdict.reason,
        });
        return {
          action: 'stopped',
          deploymentId: deployment.id,
          targetGroupArn: arn,
          reason: verdict.reason,
        };
      }
      memory.set(arn, verdict.failingSince);
    }
    if (deps.now() + deps.pollMs > end) return ended(deps, `watched ${deployment.id} for ${deps.limitMs} ms`);
    if (deps.remainingMs() < deps.pollMs + MARGIN_MS)
      return ended(deps, `the invocation's time is nearly up while watching ${deployment.id}`);
    await deps.sleep(deps.pollMs);
  }
}

async function readTargets(elbv2: ElasticLoadBalancingV2Client, arn: string): Promise<TargetHealthView[]> {
  const { TargetHealthDescriptions = [] } = await elbv2.send(
    new DescribeTargetHealthCommand({ TargetGroupArn: arn }),
  );
  return TargetHealthDescriptions.map(viewOf);
}

const viewOf = (d: TargetHealthDescription): TargetHealthView => ({
  id: `${d.Target?.Id ?? '?'}:${d.Target?.Port ?? '?'}`,
  state: d.TargetHealth?.State ?? 'unknown',
  ...(d.TargetHealth?.Reason !== undefined && { reason: d.TargetHealth.Reason }),
});

function ended(deps: WatchLoopDeps, reason: string): WatchOutcome {
  deps.log({ level: 'info', msg: 'watch ended', reason });
  return { action: 'ended', reason };
}

/** The settings' watcher timings and the target groups from the environment the stack sets. */
export function watchSettingsFromEnv(
  env: NodeJS.ProcessEnv,
): Pick<WatchLoopDeps, 'targetGroupArns' | 'pollMs' | 'confirmMs' | 'limitMs'> {
  const arns = (env.TARGET_GROUP_ARNS ?? '').split(',').filter((a) => a !== '');
  const seconds = (name: string): number => {
    const value = Number(env[name]);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(
        `${name} must be a positive number of seconds, got ${JSON.stringify(env[name])}; the stack sets it`,
      );
    return value * 1000;
  };
  if (arns.length === 0) throw new Error('TARGET_GROUP_ARNS must name the target groups; the stack sets it');
  return {
    targetGroupArns: arns,
    pollMs: seconds('POLL_SECONDS'),
    confirmMs: seconds('CONFIRM_SECONDS'),
    limitMs: seconds('WATCH_LIMIT_SECONDS'),
  };
}
