import { settings } from '../../../contract/settings';
import type { DeploymentControllerName } from '../../../contract/native-strategies';
import { RELEASE_STAGES } from '../../../contract/release-trigger';
import type { StopTrigger } from '../experiment/rehearsal-event';
import { clockTime, formatWatchEvent, formatWatchSummary, HOLD_COMMANDS } from '../aws/format-watch';
import { formatNativeEvent, formatNativeSummary } from '../aws/format-native';
import type { WatchEvent, WatchOutcome } from '../aws/watch-deployment';
import { AWAITING_ACTION, PAUSE, type NativeSignal, type NativeWatchEvent } from '../aws/watch-native';
import { GUARD_VIEW } from '../local/controllers/local-controllers';
import type { ReleaseLogEvent } from './release-log';

/** CodeDeploy's error code for each way the local deployment is stopped (CodeDeploy API Reference, ErrorInformation). */
const CODEDEPLOY_ERROR: Record<StopTrigger, string> = {
  alarm: 'ALARM_ACTIVE',
  hook: 'HOOK_EXECUTION_FAILURE',
  guard: 'MANUAL_STOP',
  watcher: 'MANUAL_STOP',
  interrupt: 'MANUAL_STOP',
  'ready-timeout': 'TIMEOUT',
  // The wait before rerouting ran out: CodeDeploy stops the deployment itself (STOP_DEPLOYMENT).
  'hold-timeout': 'TIMEOUT',
  'stop-call': 'MANUAL_STOP',
  other: 'INTERNAL_ERROR',
};

/** The signal ECS's own fields would name for each way the local deployment is stopped. */
const NATIVE_SIGNAL: Record<StopTrigger, NativeSignal> = {
  alarm: 'alarm',
  hook: 'hook',
  guard: 'stop',
  watcher: 'stop',
  interrupt: 'stop',
  'ready-timeout': 'circuit-breaker',
  'hold-timeout': 'hook',
  'stop-call': 'stop',
  other: 'stop',
};

/** Distributes Omit over a union's members. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type CodeDeployEvent = Without<WatchEvent, 'at' | 'deploymentId'>;
type EcsEvent = Without<NativeWatchEvent, 'at' | 'deploymentArn'>;

/** The two commands that end a local hold, from another terminal. */
const LOCAL_HOLD_COMMANDS =
  'go on: npm run rehearse -- continue --local; take it back: npm run rehearse -- rollback --local';

const ACTION: Record<string, string> = {
  Source: RELEASE_STAGES.source.action,
  Build: RELEASE_STAGES.build.action,
  Deploy: RELEASE_STAGES.deploy.action,
};

/**
 * Turns a local release's published events into the lines `watch` prints on AWS: the pipeline's actions as
 * `watch --commit` words them, then the deployment's lifecycle through `watch`'s own formatters (CodeDeploy's
 * lifecycle events, or native ECS's stages and hooks), and the closing summary.
 */
export class WatchWords {
  private controller: DeploymentControllerName = 'codedeploy';
  private step: { name: string; startedAt: number } | undefined;
  private createdAt: number | undefined;
  private stop: { trigger: StopTrigger; detail: string; at: number } | undefined;
  private outcome: WatchOutcome | undefined;
  private verdict: { verdict: string; detail: string } | undefined;
  private running: Record<'blue' | 'green', number> = { blue: 0, green: 0 };
  /** The release's time scale: a hold's AWS wait lasts that many times less here. */
  private timeScale = 1;

  /** The lines one event adds (none for the events `watch` does not show). */
  lines(event: ReleaseLogEvent): string[] {
    const head = `${clockTime(event.at)}  `;
    switch (event.type) {
      case 'release':
        this.controller = event.controller;
        return [`${head}local release ${event.number} of ${event.commit.slice(0, 12)}`];
      case 'queued':
        return [`${head}waiting to enter ${RELEASE_STAGES.build.stage} behind release ${event.behind}`];
      case 'stage':
        return [
          `${head}${event.stage}/${ACTION[event.stage]} ${event.status}${event.summary ? `: ${event.summary}` : ''}`,
        ];
      case 'verdict':
        this.verdict = { verdict: event.verdict, detail: event.detail };
        return [];
      case 'deployment':
        return this.deploymentLines(event.at, event.event).map((line) => line);
    }
  }

  /** The closing lines, once the release has its verdict; and the exit code `watch` gives that outcome. */
  summary(): { text: string; code: number } {
    const verdict = this.verdict;
    if (verdict === undefined) return { text: 'The release had not ended.', code: 1 };
    if (this.outcome === undefined) {
      const ok = verdict.verdict === 'created';
      return { text: `Release ${verdict.verdict}: ${verdict.detail}`, code: ok ? 0 : 1 };
    }
    const outcome = this.outcome;
    const code = outcome === 'succeeded' ? 0 : 1;
    if (this.controller === 'ecs') {
      const view = GUARD_VIEW.ecs;
      const text = formatNativeSummary({
        controller: 'ecs',
        deploymentArn: view.deploymentId,
        status: outcome === 'succeeded' ? view.status.succeeded : view.status['rolled-back'],
        outcome,
        ...this.times(),
        stage: this.step?.name,
        decision: this.stop
          ? { signal: NATIVE_SIGNAL[this.stop.trigger], detail: this.stop.detail, at: this.stop.at }
          : { signal: 'none', detail: 'nothing stopped it' },
        events: [],
      });
      return { text, code };
    }
    const text = formatWatchSummary({
      deploymentId: GUARD_VIEW.codedeploy.deploymentId,
      status: this.codeDeployStatus(),
      outcome,
      ...(this.createdAt !== undefined && { createTime: this.createdAt }),
      ...(this.times().finishTime !== undefined && { completeTime: this.times().finishTime }),
      ...(this.stop && { error: { code: CODEDEPLOY_ERROR[this.stop.trigger], message: this.stop.detail } }),
      ...(outcome === 'rolled-back' && { rollbackMessage: 'green stopped, blue serving' }),
      events: [],
    });
    return { text, code };
  }

  private finishedAt: number | undefined;

  private times(): { createTime?: number; finishTime?: number } {
    return {
      ...(this.createdAt !== undefined && { createTime: this.createdAt }),
      ...(this.finishedAt !== undefined && { finishTime: this.finishedAt }),
    };
  }

  private codeDeployStatus(): string {
    if (this.outcome === 'succeeded') return 'Succeeded';
    return this.stop && ['guard', 'watcher', 'interrupt'].includes(this.stop.trigger) ? 'Stopped' : 'Failed';
  }

  private deploymentLines(
    at: number,
    event: Extract<ReleaseLogEvent, { type: 'deployment' }>['event'],
  ): string[] {
    const cd = (e: CodeDeployEvent): string =>
      formatWatchEvent({ ...e, at, deploymentId: GUARD_VIEW.codedeploy.deploymentId });
    const ecs = (e: EcsEvent): string =>
      formatNativeEvent({ ...e, at, deploymentArn: GUARD_VIEW.ecs.deploymentId });
    const native = this.controller === 'ecs';
    switch (event.type) {
      case 'started':
        this.createdAt = at;
        this.timeScale = event.timeScale ?? 1;
        // Blue's tasks started in an earlier release: it serves with the desired count.
        this.running = { blue: settings.ecs.desiredCount, green: 0 };
        return [
          native
            ? ecs({ type: 'status', status: 'IN_PROGRESS' })
            : cd({ type: 'status', status: 'InProgress' }),
        ];
      case 'task-started':
        this.running[event.group] += 1;
        return [];
      case 'task-stopped':
        this.running[event.group] = Math.max(0, this.running[event.group] - 1);
        return [];
      case 'lifecycle': {
        if (native) {
          this.step = { name: event.step, startedAt: at };
          return [ecs({ type: 'stage', stage: event.step })];
        }
        const lines = this.endStep(at, 'Succeeded', cd);
        this.step = { name: event.step, startedAt: at };
        return [...lines, cd({ type: 'lifecycle', name: event.step, status: 'InProgress', startTime: at })];
      }
      case 'traffic':
        if (event.listener !== 'production') return [];
        return [
          native
            ? ecs({ type: 'traffic', revisions: this.revisions(event.greenPercent) })
            : cd({ type: 'traffic', taskSets: this.taskSets(event.greenPercent) }),
        ];
      case 'hook':
        return native
          ? [
              ecs({
                type: 'hook',
                stage: 'POST_TEST_TRAFFIC_SHIFT',
                status: event.hookStatus ?? (event.ok ? 'SUCCEEDED' : 'FAILED'),
              }),
            ]
          : [];
      case 'held': {
        // AWS's words for the hold, with the commands that reach this environment's control channel.
        const expiresAt = at + (event.waitSeconds * 1000) / this.timeScale;
        const line = native
          ? ecs({
              type: 'hook',
              stage: 'POST_TEST_TRAFFIC_SHIFT',
              status: AWAITING_ACTION,
              targetType: PAUSE,
              expiresAt,
              timeoutAction: event.onTimeout.toUpperCase(),
            })
          : cd({ type: 'held', expiresAt });
        return [line.replace(HOLD_COMMANDS, LOCAL_HOLD_COMMANDS)];
      }
      case 'alarm':
        return native && event.state === 'ALARM' ? [ecs({ type: 'alarm', alarmNames: [event.alarm] })] : [];
      case 'stop':
        this.stop = { trigger: event.trigger, detail: event.detail, at };
        if (native) return [ecs({ type: 'status', status: 'ROLLBACK_REQUESTED', reason: event.detail })];
        return [
          ...this.endStep(at, 'Failed', cd),
          cd({ type: 'error', code: CODEDEPLOY_ERROR[event.trigger], message: event.detail }),
        ];
      case 'rollback':
        if (event.status !== 'done') return [];
        return [
          native
            ? ecs({ type: 'rollback', reason: event.detail ?? 'rolled back' })
            : cd({ type: 'rollback', message: event.detail ?? 'rolled back' }),
        ];
      case 'outcome': {
        this.outcome = event.outcome === 'succeeded' ? 'succeeded' : 'rolled-back';
        this.finishedAt = at;
        const view = native ? GUARD_VIEW.ecs : GUARD_VIEW.codedeploy;
        const status =
          this.outcome === 'succeeded'
            ? view.status.succeeded
            : native
              ? view.status['rolled-back']
              : this.codeDeployStatus();
        const ended = native || this.outcome !== 'succeeded' ? [] : this.endStep(at, 'Succeeded', cd);
        return [...ended, native ? ecs({ type: 'status', status }) : cd({ type: 'status', status })];
      }
      default:
        return [];
    }
  }

  private endStep(at: number, status: string, cd: (e: CodeDeployEvent) => string): string[] {
    const step = this.step;
    this.step = undefined;
    if (step === undefined) return [];
    return [cd({ type: 'lifecycle', name: step.name, status, startTime: step.startedAt, endTime: at })];
  }

  private taskSets(greenPercent: number) {
    const set = (label: string, weight: number, running: number) => ({
      label,
      trafficWeight: weight,
      running,
      desired: running,
      pending: 0,
      status: 'ACTIVE',
    });
    return [
      set('Blue', 100 - greenPercent, this.running.blue),
      set('Green', greenPercent, this.running.green),
    ];
  }

  private revisions(greenPercent: number) {
    const revision = (role: 'blue' | 'green', weight: number, running: number) => ({
      role,
      arn: role,
      productionWeight: weight,
      testWeight: weight,
      running,
      requested: running,
      pending: 0,
    });
    return [
      revision('blue', 100 - greenPercent, this.running.blue),
      revision('green', greenPercent, this.running.green),
    ];
  }
}
