/**
 * The rehearsal model, fault by fault: the one statement of what a blue/green release with each fault
 * should do under either controller (CodeDeploy, or ECS itself), which signal decides, and how long that
 * takes in the worst case, for given deployed timings and fault values. The catalogue, `faults`, `flip`, `local`, `drill`, the docs and the tests all
 * read it through `rollback-time.ts`.
 */
import type { FaultName, FaultValues } from '../../contract/faults/catalogue';
import { earliest, type DecidingSignal, type SignalPaths, type SignalTime } from './signal-paths';
import type { TimingInputs } from './timing-inputs';

export type ReleaseOutcome = 'succeeded' | 'rolled-back';

/** The model's verdict for one fault at one value. */
export type FaultVerdict =
  | { readonly outcome: 'succeeded'; readonly signal: string; readonly onsetSeconds?: number }
  | {
      readonly outcome: 'rolled-back';
      readonly decidedBy: DecidingSignal;
      /** Worst-case seconds from green tasks starting to CodeDeploy being told. */
      readonly seconds: number;
      readonly signal: string;
      readonly onsetSeconds?: number;
    };

/** One fault in the model. */
export interface FaultModel<K extends FaultName = FaultName> {
  /** The expected release outcome, in words. */
  readonly expectedText: string;
  readonly predict: (value: FaultValues[K], t: TimingInputs, p: SignalPaths) => FaultVerdict;
}

const decided = (
  first: SignalTime,
  why: string,
  others: readonly SignalTime[] = [],
  onsetSeconds?: number,
): FaultVerdict => {
  // A signal that can never reach the controller (ECS with an alarm in ALARM at the start) backs up nothing.
  const backups = others
    .filter((o) => o !== first && Number.isFinite(o.seconds))
    .map((o) => `${o.signal} at ${Math.ceil(o.seconds)} s`);
  if (!Number.isFinite(first.seconds))
    return {
      outcome: 'succeeded',
      signal: `${why}; only the ${first.signal} would see it, and ECS watches no alarm in a deployment that started with one in ALARM`,
      ...(onsetSeconds !== undefined && { onsetSeconds }),
    };
  return {
    outcome: 'rolled-back',
    decidedBy: first.signal,
    seconds: Math.ceil(first.seconds),
    signal: `${first.signal} (${why})${backups.length > 0 ? `; backed up by the ${backups.join(', the ')}` : ''}`,
    ...(onsetSeconds !== undefined && { onsetSeconds }),
  };
};

/** `/health` answers a failing check at once (a 500 or 503, or a refused connection). */
const AT_ONCE = 0;

/**
 * Green never turns healthy: the target-health watcher sees every green target failing, ECS replaces the
 * failing tasks (the guard sees the stop begin) and the alarm fires. `answerSeconds`: how long the service
 * takes to answer a failing check (see `failingHealth`). `stillFailingUntil`: when the targets pass again (a
 * slow start recovers); the watcher and ECS act only on targets still failing when they look.
 */
function healthRollback(
  p: SignalPaths,
  answerSeconds: number,
  why: string,
  stillFailingUntil = Number.POSITIVE_INFINITY,
): FaultVerdict {
  const health = p.failingHealth(answerSeconds);
  const watcher = p.watcherAfter(health.unhealthyAt);
  // The watcher's confirming read and ECS's judgement of the replacement both need the targets still failing.
  const times: SignalTime[] = [
    ...(stillFailingUntil > watcher.readAt ? [watcher.stop] : []),
    ...(stillFailingUntil > health.ecsFirstJudgement ? p.afterStop(health.ecsHealthStop) : []),
    { signal: 'unhealthy-hosts alarm', seconds: p.alarmAfter(health.unhealthyAt) },
  ];
  return decided(earliest(times), why, times);
}

/** A task that crashes at `crashAt` reaches CodeDeploy through the guard or the alarm. */
function stopRollback(p: SignalPaths, crashAt: number, why: string): FaultVerdict {
  const times = p.afterStop(p.crashStop(crashAt));
  return decided(earliest(times), why, times, crashAt);
}

/** The probability with which the modelled worst case holds where a fault is a draw per request. */
const CERTAINTY = 0.999;

/**
 * The request of the hook's burst by which one has failed with probability {@link CERTAINTY}, at an error
 * rate of `rate`: the hook ends at its first failed request (`core/probe/release-probe.ts`).
 */
function requestsToFail(rate: number, t: TimingInputs): number {
  if (rate >= 1) return 1;
  return Math.min(t.hookBurstRequests, Math.ceil(Math.log(1 - CERTAINTY) / Math.log(1 - rate)));
}

type Model = { readonly [K in FaultName]: FaultModel<K> };

/** Every fault of the catalogue, in the model. */
export const FAULT_MODEL: Model = {
  'health-fail': {
    expectedText: 'green never becomes healthy, production stays on blue, rollback',
    predict: (_, __, p) => healthRollback(p, AT_ONCE, 'green never turns healthy, so the hook never runs'),
  },
  'startup-crash': {
    expectedText: 'green tasks crash and are restarted, rollback',
    predict: (_, __, p) => stopRollback(p, 0, 'essential container exited'),
  },
  'wrong-port': {
    expectedText: 'the ALB cannot connect, targets unhealthy, rollback',
    predict: (port, t, p) =>
      port === t.containerPort
        ? { outcome: 'succeeded', signal: 'the fault port is the container port, so nothing is wrong' }
        : healthRollback(p, AT_ONCE, 'connection refused; the hook never runs'),
  },
  'dependency-down': {
    expectedText: 'targets unhealthy, rollback',
    predict: (_, t, p) =>
      healthRollback(
        p,
        t.dependencyProbeSeconds,
        `/health answers 503 within the probe's ${t.dependencyProbeSeconds} s; the hook never runs`,
      ),
  },
  'error-rate': {
    expectedText:
      'green is healthy; the hook sees errors through the test listener and fails the deployment before production shifts; if they slip through, the target-5xx alarm fires during the bake period; rollback',
    predict: (rate, t, p) =>
      rate === 0
        ? { outcome: 'succeeded', signal: 'a rate of 0 never fails a request' }
        : decided(
            { signal: 'test-traffic hook', seconds: p.hookAfterRequests(requestsToFail(rate, t)) },
            `the burst ends at its first error, by request ${requestsToFail(rate, t)} with probability ${CERTAINTY}; all ${t.hookBurstRequests} pass with probability ${((1 - rate) ** t.hookBurstRequests).toExponential(1)}; then the target-5xx alarm`,
          ),
  },
  latency: {
    expectedText:
      "green is healthy; the hook's requests through the test listener are slower than the response-time limit and fail the deployment before production shifts; if they slip through, the response-time alarm fires during the bake period; rollback",
    predict: (ms, t, p) =>
      ms / 1000 > t.responseTimeAlarmSeconds
        ? decided(
            { signal: 'test-traffic hook', seconds: p.hookStartsAt + ms / 1000 },
            `first answer slower than ${t.responseTimeAlarmSeconds} s; then the response-time alarm`,
          )
        : {
            outcome: 'succeeded',
            signal: `a delay of ${ms} ms stays within the ${t.responseTimeAlarmSeconds} s response-time limit`,
          },
  },
  'crash-after': {
    expectedText:
      'during a deployment: rollback; after a deployment completed: ECS restarts the tasks and nothing rolls back',
    predict: (seconds, t, p) =>
      seconds < t.trafficShiftSeconds + t.terminationWaitMinutes * 60
        ? stopRollback(p, seconds, 'the crash lands inside the deployment, bake period included')
        : {
            outcome: 'succeeded',
            signal:
              'the crash comes after the traffic shift and the bake period: ECS restarts the task, nothing rolls back (rollback only happens while a deployment is in progress)',
            onsetSeconds: seconds,
          },
  },
  'slow-start': {
    expectedText: 'succeeds when the health-check grace and thresholds allow for it, rolls back otherwise',
    predict: (seconds, t, p) => {
      if (seconds < p.unhealthyWindow)
        return {
          outcome: 'succeeded',
          signal: `ready within ${p.unhealthyWindow} s, before ${t.targetHealthCheck.unhealthyThresholdCount} failed checks can mark a target unhealthy`,
          onsetSeconds: seconds,
        };
      // A task that recovers before the watcher or ECS looks is neither stopped nor replaced: only the alarm sees it.
      const recovered =
        seconds + t.targetHealthCheck.intervalSeconds * t.targetHealthCheck.healthyThresholdCount;
      return healthRollback(p, AT_ONCE, `/health answers 503 for ${seconds} s`, recovered);
    },
  },
};
