/**
 * The POST_TEST_TRAFFIC_SHIFT hook's answer to native ECS blue/green, from one invocation's probe: the
 * rule the hook Lambda applies and the local stand-in applies the same way.
 *
 * ECS invokes a Lambda lifecycle hook again after `callBackDelay` seconds when it answers IN_PROGRESS,
 * passing back the `hookDetails` it returned; SUCCEEDED lets the deployment go on, FAILED rolls it back
 * (ECS Developer Guide, "Lambda hooks for Amazon ECS service deployments"). So each invocation asks `/health`
 * once: not yet healthy and still inside the health window is IN_PROGRESS, with the first attempt's time
 * carried in `hookDetails`; healthy runs the burst and the version check and answers SUCCEEDED or FAILED.
 */
import { settings } from '../../contract/settings';
import type { ProbeResult } from './release-probe';

/** Why a release failed the hook: each reason a test can name and an operator can search for. */
export type HookFailure =
  'malformed-event' | 'test-traffic-not-on-green' | 'health-window-expired' | 'probe-failed' | 'hook-error';

/** The answer ECS reads. */
export type NativeHookAnswer =
  | {
      readonly hookStatus: 'IN_PROGRESS';
      readonly callBackDelay: number;
      readonly hookDetails: HookAttempts;
    }
  | { readonly hookStatus: 'SUCCEEDED'; readonly hookDetails: { readonly reason: string } }
  | {
      readonly hookStatus: 'FAILED';
      readonly hookDetails: { readonly failure: HookFailure; readonly reason: string };
    };

/**
 * What an IN_PROGRESS answer carries to the next invocation of the same execution. A type, not an
 * interface, so it stays assignable to the record of `hookDetails` ECS passes back.
 */
export type HookAttempts = {
  /** When the first invocation asked `/health`, in milliseconds of the hook's clock. */
  readonly firstAttemptAt: number;
  readonly attempts: number;
};

/**
 * Seconds between attempts while green settles: one ALB health-check interval, so each attempt can see a
 * new target state (ECS's own default is 30 s).
 */
export const NATIVE_CALLBACK_DELAY_SECONDS = settings.targetHealthCheck.intervalSeconds;

/** This invocation's attempt, counted on from what the previous IN_PROGRESS answer passed back. */
export function nextAttempt(
  previous: Readonly<Record<string, unknown>> | undefined,
  now: number,
): HookAttempts {
  const details = previous ?? {};
  return {
    firstAttemptAt: typeof details.firstAttemptAt === 'number' ? details.firstAttemptAt : now,
    attempts: (typeof details.attempts === 'number' ? details.attempts : 0) + 1,
  };
}

/** A FAILED answer with its classified reason. */
export function failedAnswer(failure: HookFailure, reason: string): NativeHookAnswer {
  return { hookStatus: 'FAILED', hookDetails: { failure, reason } };
}

/**
 * The answer for one invocation's probe (run with no health retry of its own): IN_PROGRESS while `/health`
 * fails inside the window, FAILED once the window is over or any other check fails, SUCCEEDED otherwise.
 */
export function answerFromProbe(input: {
  readonly result: ProbeResult;
  readonly attempt: HookAttempts;
  readonly now: number;
  readonly healthWindowMs: number;
  readonly callBackDelaySeconds: number;
  /** Appended to the reason, e.g. why the version was not checked. */
  readonly note?: string;
}): NativeHookAnswer {
  const { result, attempt } = input;
  const note = input.note ?? '';
  const healthFailed = result.checks.some((c) => c.name === 'health' && !c.ok);
  if (healthFailed) {
    if (input.now - attempt.firstAttemptAt < input.healthWindowMs) {
      return { hookStatus: 'IN_PROGRESS', callBackDelay: input.callBackDelaySeconds, hookDetails: attempt };
    }
    return failedAnswer(
      'health-window-expired',
      `green did not answer ${settings.container.healthPath} with 200 within ${input.healthWindowMs} ms (${attempt.attempts} attempt(s)): ${result.reason}`,
    );
  }
  if (!result.ok) return failedAnswer('probe-failed', `${result.reason}${note}`);
  return { hookStatus: 'SUCCEEDED', hookDetails: { reason: `${result.reason}${note}` } };
}
