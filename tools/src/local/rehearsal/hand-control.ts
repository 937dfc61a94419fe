import type { DeploymentControllerName } from '../../../../contract/native-strategies';
import type { RehearsalRecord } from '../../experiment/rehearsal-record';
import type { Clock } from '../clock';
import type { ControlAnswer } from '../control/control-protocol';
import { CONTROLLER_NAME } from '../controllers/controller-label';
import { HoldGate, type GateSettings, type HoldNotice } from '../controllers/hold-gate';
import type { DeploymentOutcome, StopReason } from '../controllers/lifecycle-parts';

/** What another terminal's `continue --local` and `rollback --local` reach in a running rehearsal. */
export interface RehearsalControl {
  /** Releases a held gate. */
  continue(): ControlAnswer;
  /** Stops the deployment in progress with rollback; answers once it is rolled back. */
  rollback(): Promise<ControlAnswer>;
}

/** What a person is told when the deployment holds: the gate, and where green answers meanwhile. */
export interface HeldNotice extends HoldNotice {
  readonly controller: DeploymentControllerName;
  /** The test listener, which routes to green during the hold. */
  readonly testUrl: string;
}

/** The call each controller's API takes to stop a deployment with rollback, which `rollback` makes on AWS. */
const STOP_CALL: Record<DeploymentControllerName, string> = {
  codedeploy: 'StopDeployment with autoRollbackEnabled',
  ecs: 'StopServiceDeployment with stopType ROLLBACK',
};

export interface HandControlOptions {
  readonly controller: DeploymentControllerName;
  readonly deploymentId: string;
  readonly record: RehearsalRecord;
  readonly clock: Clock;
  readonly timeScale: number;
  /** The gate, when the rehearsal holds before production traffic. */
  readonly gate?: GateSettings;
  /** Stops the deployment with rollback, once (later stops change nothing). */
  readonly stop: (reason: StopReason) => void;
  /** Whether the deployment was stopped already. */
  readonly stopping: () => boolean;
  readonly onHeld?: (notice: HeldNotice) => void;
}

/**
 * A person's hand on a running local rehearsal: the gate's `continue`, and a `rollback` that stops the
 * deployment as the controller's stop call would (blue keeps or regains production, green is stopped) and
 * writes down that a person did it, as the `rollback` command does on AWS.
 */
export class HandControl implements RehearsalControl {
  readonly gate: HoldGate | undefined;
  private deployment: Promise<DeploymentOutcome> | undefined;
  private outcome: DeploymentOutcome | undefined;
  private testUrl = '';

  constructor(private readonly options: HandControlOptions) {
    const { gate, onHeld, controller, deploymentId, record, clock, timeScale, stop } = options;
    this.gate =
      gate &&
      new HoldGate({
        settings: gate,
        timeScale,
        clock,
        record,
        stop,
        deploymentId,
        ...(onHeld && { onHeld: (notice) => onHeld({ ...notice, controller, testUrl: this.testUrl }) }),
      });
  }

  /** Runs the deployment, which a rollback by hand can stop from now until it ends. */
  deploy(testUrl: string, run: () => Promise<DeploymentOutcome>): Promise<DeploymentOutcome> {
    this.testUrl = testUrl;
    this.deployment = run().then((outcome) => (this.outcome = outcome));
    return this.deployment;
  }

  continue(): ControlAnswer {
    if (!this.gate)
      return {
        ok: false,
        message: 'Nothing is held: this rehearsal runs without --gate, so it never holds.',
      };
    return this.gate.continue();
  }

  async rollback(): Promise<ControlAnswer> {
    const { controller, deploymentId, record } = this.options;
    const refusal = this.nothingToStop();
    if (refusal) return { ok: false, message: refusal };
    const call = `${STOP_CALL[controller]}, by npm run rehearse -- rollback --local`;
    record.add({ type: 'stopped-by-hand', command: 'rollback', deploymentId, detail: call });
    this.options.stop({ trigger: 'stop-call', detail: `stopped by hand (${call})`, byHand: true });
    const outcome = await this.deployment!;
    return {
      ok: outcome.outcome === 'rolled-back',
      message: `Stopped ${CONTROLLER_NAME[controller]} deployment ${deploymentId} with rollback (${STOP_CALL[controller]}); it ended ${outcome.outcome}: blue serves production, green is stopped.`,
    };
  }

  /** Why there is nothing to stop, or undefined when a deployment is in progress. */
  private nothingToStop(): string | undefined {
    if (!this.deployment)
      return 'No deployment in progress yet: blue is still starting; try again once the deployment has started.';
    if (this.outcome) return `No deployment in progress: it ended ${this.outcome.outcome}.`;
    if (this.options.stopping())
      return 'No deployment in progress to stop: it is already stopping with rollback.';
    return undefined;
  }
}
