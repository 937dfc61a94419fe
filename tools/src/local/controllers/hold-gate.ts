/**
 * The gate: the deployment holds before production traffic moves, with green on the test listener, until a
 * person continues, rolls back, or the hold times out. CodeDeploy's form is the deployment group's wait
 * before rerouting traffic (CodeDeploy API Reference, `DeploymentReadyOption`: STOP_DEPLOYMENT with
 * `waitTimeInMinutes`; `ContinueDeployment` starts rerouting, the end of the wait stops the deployment);
 * native ECS's is a PAUSE lifecycle hook at POST_TEST_TRAFFIC_SHIFT (ECS Developer Guide, "Pause hooks for
 * Amazon ECS service deployments": `ContinueServiceDeployment` with CONTINUE or ROLLBACK, or the hook's
 * `timeoutConfiguration` action, CONTINUE or ROLLBACK, when its time runs out).
 */
import type { HoldEnd, HoldTimeoutAction } from '../../experiment/rehearsal-event';
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import type { Clock } from '../clock';
import type { ControlAnswer } from '../control/control-protocol';
import type { Hold, StopReason } from './lifecycle-parts';

/** How a rehearsal's gate is set: as on AWS, in AWS time. */
export interface GateSettings {
  /** How long the deployment holds before the timeout action, in AWS seconds. */
  readonly waitSeconds: number;
  readonly onTimeout: HoldTimeoutAction;
}

/** What a person needs to know once the deployment holds. */
export interface HoldNotice extends GateSettings {
  /** The wait as the local clock keeps it (real milliseconds): the AWS wait divided by the time scale. */
  readonly waitMs: number;
  readonly timeScale: number;
}

export interface HoldGateOptions {
  readonly settings: GateSettings;
  readonly timeScale: number;
  readonly clock: Clock;
  readonly record: RehearsalRecord;
  /** Stops the deployment with rollback, as an alarm would: what a time-out with rollback does. */
  readonly stop: (reason: StopReason) => void;
  readonly deploymentId: string;
  readonly onHeld?: (notice: HoldNotice) => void;
}

/** The gate of one rehearsal: one hold at most, released by {@link HoldGate.continue} or by its time-out. */
export class HoldGate {
  private open: { readonly release: () => void; readonly timer: unknown } | undefined;

  constructor(private readonly options: HoldGateOptions) {}

  /** Whether the deployment holds now. */
  get holding(): boolean {
    return this.open !== undefined;
  }

  /** Starts the hold: writes it down, tells the person, and starts the time-out on the rehearsal clock. */
  hold(): Hold {
    const { settings, timeScale, clock, record, deploymentId } = this.options;
    const waitMs = (settings.waitSeconds * 1000) / timeScale;
    record.add({
      type: 'held',
      waitSeconds: settings.waitSeconds,
      onTimeout: settings.onTimeout,
      deploymentId,
    });
    const released = new Promise<void>((release) => {
      this.open = { release, timer: clock.setTimeout(() => this.timedOut(), waitMs) };
    });
    this.options.onHeld?.({ ...settings, waitMs, timeScale });
    // A person's rollback ends it as `rollback`; any other stop as the stop call it is to the controller.
    return {
      released,
      end: (reason) => this.close(reason.byHand ? 'rollback' : 'stop-call', reason.detail, false),
    };
  }

  /** What `continue --local` does: production traffic may move once the hook has passed. */
  continue(): ControlAnswer {
    if (!this.open) return { ok: false, message: NOTHING_HELD };
    this.close('continue', 'npm run rehearse -- continue --local', true);
    return {
      ok: true,
      message: 'Released the hold: production traffic moves to green once the hook has passed.',
    };
  }

  private timedOut(): void {
    const { settings } = this.options;
    const after = `after ${settings.waitSeconds} s (AWS time)`;
    if (settings.onTimeout === 'continue') {
      this.close('timeout', `${after}: continue`, true);
      return;
    }
    this.close('timeout', `${after}: rollback`, false);
    this.options.stop({
      trigger: 'hold-timeout',
      detail: `the hold before production traffic timed out ${after}`,
    });
  }

  /** Writes the hold's end once, and lets the deployment go on when `goOn`. */
  private close(by: HoldEnd, detail: string, goOn: boolean): void {
    const open = this.open;
    if (!open) return;
    this.open = undefined;
    this.options.clock.clearTimeout(open.timer);
    this.options.record.add({ type: 'hold-released', by, detail });
    if (goOn) open.release();
  }
}

const NOTHING_HELD =
  'Nothing is held: the local rehearsal holds only with --gate, once green is on the test listener and before production traffic moves.';
