import type { DeploymentControllerName } from '../../../contract/native-strategies';
import type { DecidingSignal } from '../../../core/model/signal-paths';
import { refusalLines } from '../../../core/weights/production-weights';

/** The two task sets: blue is the one deployed, green the one being deployed. */
export type Colour = 'blue' | 'green';

/**
 * Why a deployment stopped: an alarm, the hook, the stopped-task guard, green never getting ready within
 * the (capped) wait, the person running the rehearsal interrupting it, a hold that timed out with
 * rollback, or (on AWS) any other reason CodeDeploy gives. `stop-call` is a StopDeployment or
 * StopServiceDeployment call whose caller the record does not know: on AWS the stopped-task guard and a
 * person running `rollback` make the same call and the controller reports them alike (CodeDeploy's
 * MANUAL_STOP), so only a `stopped-by-hand` event, written by the command that stopped it, names a person.
 */
export type StopTrigger =
  | 'alarm'
  | 'hook'
  | 'guard'
  | 'watcher'
  | 'ready-timeout'
  | 'hold-timeout'
  | 'interrupt'
  | 'stop-call'
  | 'other';

/**
 * What ended a hold before production traffic: `continue`, `rollback` (a person's, written by the command),
 * the hold's own time-out, or a stop whose caller the record does not know (`stop-call`, as for
 * {@link StopTrigger}).
 */
export type HoldEnd = 'continue' | 'rollback' | 'timeout' | 'stop-call';

/** What a person (or `drill --gate`) does to end a hold. */
export type GateChoice = Extract<HoldEnd, 'continue' | 'rollback'>;

/** What a controller does when a hold times out: roll back (CodeDeploy's only choice) or go on. */
export type HoldTimeoutAction = 'rollback' | 'continue';

/** The command a person ran that stopped a deployment, when that command wrote it down. */
export type HandCommand = 'rollback' | 'undo';

/**
 * How a deployment ended: the local outcomes (`refused`: the native start check never let it start), and
 * on AWS also how a watch could end, `mismatch` included (the controller reported success or a rollback,
 * but the service does not run what that means).
 */
export type RecordedOutcome =
  | 'succeeded'
  | 'rolled-back'
  | 'refused'
  | 'failed'
  | 'stopped'
  | 'rollback-failed'
  | 'interrupted'
  | 'mismatch';

/** What a person did during a drill on AWS, in order. */
export type DrillAction =
  | 'steady-state-measured'
  | 'flip-committed'
  | 'pushed'
  | 'waiting-for-push'
  | 'not-triggered'
  | 'pipeline-ended'
  | 'no-pipeline-execution'
  | 'deployment-found'
  | 'no-deployment'
  | 'gate-probed'
  | 'never-held'
  | 'hold-ended-first'
  | 'gate-answer-failed'
  | 'restore-committed'
  | 'restore-pushed';

/**
 * Why a moment counts as green running (the rehearsal model's time zero): a green task registered without
 * listening yet, listening, or crashing locally; on AWS, CodeDeploy's Install step ending or a poll that
 * saw every green task running.
 */
export type GreenRunningBasis = 'registered' | 'listening' | 'crashed' | 'install-done' | 'tasks-running';

/** Fields every event has: milliseconds since the rehearsal started (compressed time in a local rehearsal). */
interface At {
  readonly atMs: number;
}

/**
 * One moment of a rehearsal, local or on AWS: the one record every verdict, chart and report reads. Each
 * member carries its meaning in typed fields; {@link describeEvent} makes the human line from them.
 */
export type RehearsalEvent = At &
  (
    | {
        readonly type: 'started';
        readonly faults: string;
        readonly config: string;
        readonly timeScale?: number;
        /** Who runs the deployment, when the record says: CodeDeploy or native ECS blue/green. */
        readonly controller?: DeploymentControllerName;
      }
    | { readonly type: 'note'; readonly text: string }
    /** Blue serves production alone and the load loop starts against it. */
    | { readonly type: 'load'; readonly url: string; readonly rate: number }
    | { readonly type: 'drill'; readonly action: DrillAction; readonly detail?: string }
    | { readonly type: 'deployment'; readonly status: string; readonly deploymentId?: string }
    /**
     * The native deploy step's start check on the listener rules' live weights (`core/weights`): `detail`
     * says what points where, `fix` (on a refusal) what to run.
     */
    | { readonly type: 'start-check'; readonly ok: boolean; readonly detail: string; readonly fix?: string }
    | {
        readonly type: 'lifecycle';
        /** CodeDeploy's lifecycle event (`Install`, `AfterAllowTestTraffic`, ...) or the stand-in's step. */
        readonly step: string;
        readonly status: 'started' | 'succeeded' | 'failed';
        readonly detail?: string;
      }
    | { readonly type: 'traffic'; readonly listener: 'production' | 'test'; readonly greenPercent: number }
    | {
        readonly type: 'target-health';
        readonly group: Colour;
        readonly target: string;
        readonly from: string;
        readonly to: string;
      }
    | {
        readonly type: 'task-started';
        readonly group: Colour;
        readonly taskId: string;
        readonly port?: number;
      }
    | { readonly type: 'green-running'; readonly basis: GreenRunningBasis }
    | {
        readonly type: 'task-stopping';
        readonly group: Colour;
        readonly taskId: string;
        readonly stopCode: string;
        readonly reason: string;
        /** Stops the scheduler makes on purpose (scale-in, end of a deployment) are not abnormal. */
        readonly abnormal: boolean;
      }
    | {
        readonly type: 'task-stopped';
        readonly group: Colour;
        readonly taskId: string;
        readonly stopCode: string;
        readonly reason: string;
        readonly abnormal: boolean;
        readonly exitCode: number | null;
        /** The last lines the task wrote, when known. */
        readonly output?: string;
      }
    | {
        readonly type: 'alarm';
        readonly alarm: string;
        readonly state: 'OK' | 'ALARM';
        readonly value?: number;
        readonly description?: string;
        /** The signal this alarm is, in the rehearsal model's words. */
        readonly signal?: DecidingSignal;
      }
    | {
        readonly type: 'hook';
        readonly ok: boolean;
        readonly reason: string;
        /** Native ECS's word for the answer; CodeDeploy's hook reports Succeeded or Failed. */
        readonly hookStatus?: 'SUCCEEDED' | 'FAILED';
      }
    /** A native hook answered IN_PROGRESS: ECS invokes it again after the delay it asked for. */
    | { readonly type: 'hook-pending'; readonly attempt: number; readonly callBackDelaySeconds: number }
    | {
        readonly type: 'guard';
        readonly action: 'stopped' | 'ignored';
        /** The stopped task the guard was told about. */
        readonly taskArn?: string;
        readonly deploymentId?: string;
        readonly reason?: string;
      }
    | {
        readonly type: 'stop';
        readonly trigger: StopTrigger;
        /** The signal that stopped the deployment, in the rehearsal model's words, when one did. */
        readonly signal?: DecidingSignal;
        readonly detail: string;
        /** CodeDeploy's error code, on AWS. */
        readonly code?: string;
      }
    | { readonly type: 'rollback'; readonly status: 'started' | 'done'; readonly detail?: string }
    /**
     * Green passed its test traffic and the deployment waits for a person before production traffic moves
     * (the gate): `continue` lets it go on, `rollback` takes it back, or `onTimeout` happens after `waitSeconds`.
     */
    | {
        readonly type: 'held';
        readonly waitSeconds: number;
        readonly onTimeout: HoldTimeoutAction;
        readonly deploymentId?: string;
      }
    /** The hold ended: by `continue`, by `rollback`, or by its time-out. */
    | { readonly type: 'hold-released'; readonly by: HoldEnd; readonly detail?: string }
    /** A person's command stopped the deployment, written down by that command (never inferred). */
    | {
        readonly type: 'stopped-by-hand';
        readonly command: HandCommand;
        readonly deploymentId?: string;
        readonly detail?: string;
      }
    | { readonly type: 'outcome'; readonly outcome: RecordedOutcome }
  );

export type EventType = RehearsalEvent['type'];

/** `Omit` applied to each member of a union, so a discriminated union stays one. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An event before the record stamps its time. */
export type EventInput = DistributiveOmit<RehearsalEvent, 'atMs'>;

/** The event of one type. */
export type EventOf<T extends EventType> = Extract<RehearsalEvent, { type: T }>;

const round2 = (n: number): number => Math.round(n * 100) / 100;
const suffix = (detail: string | undefined): string => (detail ? `: ${detail}` : '');

const DRILL_ACTIONS: Record<DrillAction, string> = {
  'steady-state-measured': 'steady state measured',
  'flip-committed': 'flip committed',
  pushed: 'push',
  'waiting-for-push': 'waiting for your push',
  'not-triggered': 'no release starts',
  'pipeline-ended': 'pipeline ended before deploying',
  'no-pipeline-execution': 'no pipeline execution',
  'deployment-found': 'deployment found',
  'no-deployment': 'no deployment',
  'gate-probed': 'green probed on the test listener',
  'never-held': 'the release never held',
  'hold-ended-first': 'the hold ended before the drill answered',
  'gate-answer-failed': 'the drill could not end the hold',
  'restore-committed': 'restore committed',
  'restore-pushed': 'restore pushed',
};

const GREEN_RUNNING: Record<GreenRunningBasis, string> = {
  registered: "green's first task registered (not listening yet)",
  listening: "green's first task running and listening: the model's time zero",
  crashed: "green's first task crashed: the model's time zero",
  'install-done': 'green tasks running (Install ended)',
  'tasks-running': 'green tasks running',
};

const HOLD_END: Record<HoldEnd, string> = {
  continue: 'continue',
  rollback: 'rollback',
  timeout: 'its time-out',
  'stop-call': 'a stop call',
};

/** The event as one human line; derived from its fields, never read back. */
export function describeEvent(event: RehearsalEvent): string {
  switch (event.type) {
    case 'started':
      return `green FAULTS=${event.faults || '(none)'}; ${event.controller === 'ecs' ? 'native ECS blue/green, ' : ''}${event.config}${event.timeScale === undefined ? '' : `; time scale ${event.timeScale}`}`;
    case 'note':
      return event.text;
    case 'load':
      return `blue serving production at ${event.url}; load loop at ${event.rate} req/s`;
    case 'drill':
      return `${DRILL_ACTIONS[event.action]}${suffix(event.detail)}`;
    case 'deployment':
      return `deployment ${event.status}${event.deploymentId ? ` (${event.deploymentId})` : ''}`;
    case 'start-check':
      return event.ok ? `start check passed: ${event.detail}` : refusalLines(event).join('; run: ');
    case 'lifecycle':
      return `${event.step}${event.status === 'started' ? '' : ` ${event.status}`}${suffix(event.detail)}`;
    case 'traffic':
      return `${event.listener}: ${event.greenPercent} % green`;
    case 'target-health':
      return `${event.target}: ${event.from} -> ${event.to}`;
    case 'task-started':
      return `${event.taskId} started${event.port === undefined ? '' : ` on port ${event.port}`}`;
    case 'green-running':
      return GREEN_RUNNING[event.basis];
    case 'task-stopping':
      return `${event.taskId} stopping (${event.stopCode}): ${event.reason}`;
    case 'task-stopped':
      return `${event.taskId} stopped: ${event.reason}${event.output ? ` [${event.output}]` : ''}`;
    case 'alarm':
      return `${event.alarm} ${event.state}${event.value === undefined ? '' : ` (${round2(event.value)})`}${suffix(event.description)}`;
    case 'hook':
      return `hook ${event.hookStatus ?? (event.ok ? 'Succeeded' : 'Failed')}: ${event.reason}`;
    case 'hook-pending':
      return `hook answered IN_PROGRESS (attempt ${event.attempt}); ECS invokes it again in ${event.callBackDelaySeconds} s`;
    case 'guard':
      return event.action === 'stopped'
        ? `guard stopped deployment ${event.deploymentId ?? '?'} with rollback`
        : `guard left it alone${suffix(event.reason)}`;
    case 'stop':
      return `deployment stopped${event.code ? ` (${event.code})` : ''}: ${event.detail}; rolling back`;
    case 'rollback':
      return event.status === 'started'
        ? `rollback started${suffix(event.detail)}`
        : `rollback done${suffix(event.detail)}`;
    case 'held':
      return `held before production traffic: ${event.onTimeout} in ${event.waitSeconds} s unless continue or rollback${event.deploymentId ? ` (${event.deploymentId})` : ''}`;
    case 'hold-released':
      return `hold ended by ${HOLD_END[event.by]}${suffix(event.detail)}`;
    case 'stopped-by-hand':
      return `stopped by hand (${event.command})${event.deploymentId ? ` ${event.deploymentId}` : ''}${suffix(event.detail)}`;
    case 'outcome':
      return `deployment ended: ${event.outcome}`;
  }
}

/** The short word the timeline tables show in their kind column. */
export const EVENT_KIND: Record<EventType, string> = {
  started: 'note',
  note: 'note',
  load: 'phase',
  drill: 'drill',
  deployment: 'phase',
  'start-check': 'check',
  lifecycle: 'phase',
  traffic: 'traffic',
  'target-health': 'health',
  'task-started': 'task',
  'green-running': 'task',
  'task-stopping': 'task',
  'task-stopped': 'task',
  alarm: 'alarm',
  hook: 'hook',
  'hook-pending': 'hook',
  guard: 'guard',
  stop: 'rollback',
  rollback: 'rollback',
  held: 'gate',
  'hold-released': 'gate',
  'stopped-by-hand': 'rollback',
  outcome: 'outcome',
};
