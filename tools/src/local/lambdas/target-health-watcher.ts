import { settings, type Settings } from '../../../../contract/settings';
import { DEFAULT_ASSUMPTIONS, type ObservationAssumptions } from '../../../../core/model/signal-paths';
import {
  judgeTargetGroup,
  type FailingSince,
  type TargetHealthView,
} from '../../../../core/watcher/target-health-decision';
import type { Clock } from '../clock';
import type { GroupName } from '../cloudwatch/lb-metrics';
import type { StopSignalDeps } from './stop-signals';
import type { TargetGroup } from '../elb/target-group';

/** What the local watcher needs: the target groups, the compressed clock and how to stop the deployment. */
export interface LocalWatcherOptions {
  readonly clock: Clock;
  readonly timeScale: number;
  readonly groups: Record<GroupName, TargetGroup>;
  /** Stops the deployment with rollback; `reason` is the decision's own words. */
  readonly stop: (group: GroupName, reason: string) => void;
  readonly config?: Settings;
  readonly assumptions?: ObservationAssumptions;
}

/**
 * The target-health watcher of the local stand-in: it reads both target groups every compressed poll, as
 * the Lambda reads `DescribeTargetHealth`, and runs the Lambda's own decision (`judgeTargetGroup`) on what
 * it reads. A stand-in target is unhealthy only after failed checks, so its reason is
 * `Target.FailedHealthChecks`. The stop reaches the controller after the model's reaction, compressed.
 */
export class LocalTargetHealthWatcher {
  private readonly memory: Record<GroupName, FailingSince> = { blue: {}, green: {} };
  private timer: unknown;
  private stopped = false;
  private readonly pollMs: number;
  private readonly confirmMs: number;
  private readonly reactionMs: number;

  constructor(private readonly options: LocalWatcherOptions) {
    const config = options.config ?? settings;
    const assumptions = options.assumptions ?? DEFAULT_ASSUMPTIONS;
    const scaled = (seconds: number): number => (seconds * 1000) / options.timeScale;
    this.pollMs = scaled(config.targetHealthWatcher.pollSeconds);
    this.confirmMs = scaled(config.targetHealthWatcher.confirmSeconds);
    this.reactionMs = scaled(assumptions.watcherReactionSeconds);
  }

  /** Starts reading, as the deployment's start event starts the Lambda. */
  start(): void {
    this.schedule();
  }

  /**
   * A target has just turned unhealthy: the next read comes a whole poll later. The model takes the worst
   * case, a read just before the target failed, so the watcher first sees it one poll after; without this,
   * where the reads fall would make the local watcher up to a poll earlier than the model, by chance.
   */
  targetFailed(): void {
    if (this.stopped || this.timer === undefined) return;
    this.options.clock.clearTimeout(this.timer);
    this.schedule();
  }

  /** Stops reading: the deployment is over. */
  close(): void {
    this.stopped = true;
    this.options.clock.clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => this.read(), this.pollMs);
  }

  private read(): void {
    const now = this.options.clock.now();
    for (const group of ['green', 'blue'] as const) {
      const targets: TargetHealthView[] = this.options.groups[group].targets().map((t) => ({
        id: t.id,
        state: t.state,
        ...(t.state === 'unhealthy' && { reason: 'Target.FailedHealthChecks' }),
      }));
      const verdict = judgeTargetGroup(targets, this.memory[group], now, this.confirmMs);
      if (verdict.kind === 'stop') {
        this.stopped = true;
        this.timer = this.options.clock.setTimeout(
          () => this.options.stop(group, verdict.reason),
          this.reactionMs,
        );
        return;
      }
      this.memory[group] = verdict.failingSince;
    }
    this.schedule();
  }
}

/** The watcher, wired to the rehearsal: its stop stops the deployment, which the record shows as a stop. */
export function rehearsalWatcher(deps: StopSignalDeps): LocalTargetHealthWatcher {
  return new LocalTargetHealthWatcher({
    clock: deps.clock,
    timeScale: deps.timings.timeScale,
    groups: deps.groups,
    stop: (group, reason) => {
      deps.stop({
        trigger: 'watcher',
        signal: 'target-health watcher',
        detail: `the target-health watcher stopped the deployment: ${group} ${reason}`,
      });
    },
  });
}
