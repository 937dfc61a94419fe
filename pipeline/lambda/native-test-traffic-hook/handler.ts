/**
 * The POST_TEST_TRAFFIC_SHIFT hook of a native ECS blue/green deployment: once the test listener's rule
 * sends all test traffic to green, it probes green through the test listener with the same probe as the
 * CodeDeploy hook (`core/probe/release-probe.ts`) and answers ECS with a `hookStatus`.
 *
 * ECS invokes the function again after `callBackDelay` seconds when it answers IN_PROGRESS, passing back
 * the `hookDetails` it returned (ECS Developer Guide, "Lambda hooks for Amazon ECS service deployments").
 * So instead of holding a Lambda for the probe's whole health window, each invocation asks `/health` once:
 * not yet healthy and still inside the window is IN_PROGRESS, with the time of the first attempt carried
 * in `hookDetails`; healthy runs the request burst and the version check and answers SUCCEEDED or FAILED.
 * Every FAILED carries a classified reason (`hookDetails.failure`), and so does an event it cannot read:
 * an answer without a valid `hookStatus`, or a thrown error, would roll back without saying why.
 */
import { ECSClient } from '@aws-sdk/client-ecs';
import { settings } from '../../../contract/settings';
import {
  answerFromProbe,
  failedAnswer as failed,
  NATIVE_CALLBACK_DELAY_SECONDS,
  nextAttempt,
  type NativeHookAnswer,
} from '../../../core/probe/native-hook-answer';
import { probeOptionsFromSettings, probeRelease, type ProbeResult } from '../../../core/probe/release-probe';
import { versionOfRevision, type RevisionVersion } from './revision-version';

/** What ECS sends a Lambda lifecycle hook (the parts this hook reads). */
export interface NativeHookEvent {
  readonly executionDetails?: {
    readonly serviceArn?: string;
    readonly targetServiceRevisionArn?: string;
    /** Service revision ARN to percentage of test traffic. */
    readonly testTrafficWeights?: Readonly<Record<string, number>>;
    readonly productionTrafficWeights?: Readonly<Record<string, number>>;
  };
  readonly executionId?: string;
  readonly lifecycleStage?: string;
  /** What the previous IN_PROGRESS answer of this execution returned. */
  readonly hookDetails?: Readonly<Record<string, unknown>>;
}

export type { HookFailure, NativeHookAnswer } from '../../../core/probe/native-hook-answer';

export interface NativeHookDeps {
  readonly ecs: ECSClient;
  /** The test listener, e.g. `http://my-alb.eu-west-1.elb.amazonaws.com:8080`. */
  readonly testListenerUrl: string;
  readonly containerName: string;
  readonly probe: typeof probeRelease;
  readonly log: (entry: Record<string, unknown>) => void;
  readonly now: () => number;
  /** How long green may take to answer `/health` through the test listener, from the first attempt. */
  readonly healthWindowMs: number;
  /** Seconds ECS waits before asking again while green settles. */
  readonly callBackDelaySeconds: number;
}

/** Builds the handler around its dependencies. */
export function createNativeHook(deps: NativeHookDeps) {
  return async function handle(event: NativeHookEvent): Promise<NativeHookAnswer> {
    let answer: NativeHookAnswer;
    try {
      answer = await decide(deps, event);
    } catch (error) {
      answer = failed(
        'hook-error',
        `the hook failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    deps.log({
      level: answer.hookStatus === 'FAILED' ? 'warn' : 'info',
      msg: 'answering',
      executionId: event?.executionId,
      lifecycleStage: event?.lifecycleStage,
      ...answer,
    });
    return answer;
  };
}

async function decide(deps: NativeHookDeps, event: NativeHookEvent): Promise<NativeHookAnswer> {
  const target = event?.executionDetails?.targetServiceRevisionArn;
  if (typeof target !== 'string' || target === '') {
    return failed('malformed-event', 'the event names no executionDetails.targetServiceRevisionArn');
  }
  const weights = event.executionDetails?.testTrafficWeights;
  const onGreen = weights?.[target];
  // The stage runs after the test shift; a weight below 100 means the probe would partly judge blue.
  if (weights !== undefined && onGreen !== 100) {
    return failed(
      'test-traffic-not-on-green',
      `test traffic to ${target} is ${onGreen ?? 0} %, not 100 %: the probe would not judge green alone`,
    );
  }

  const attempt = nextAttempt(event.hookDetails, deps.now());

  const expected: RevisionVersion = await versionOfRevision(deps.ecs, target, deps.containerName);
  if (expected.version === undefined) {
    deps.log({
      level: 'warn',
      msg: 'expected version unknown; skipping the version check',
      why: expected.unknownBecause,
    });
  }
  // One /health attempt per invocation: waiting is ECS's job, between invocations.
  const result: ProbeResult = await deps.probe({
    ...probeOptionsFromSettings(deps.testListenerUrl, expected.version),
    healthRetryWindowMs: 0,
  });
  deps.log({ level: 'info', msg: 'probe finished', attempts: attempt.attempts, checks: result.checks });
  return answerFromProbe({
    result,
    attempt,
    now: deps.now(),
    healthWindowMs: deps.healthWindowMs,
    callBackDelaySeconds: deps.callBackDelaySeconds,
    note: expected.version === undefined ? ` (version not checked: ${expected.unknownBecause})` : '',
  });
}

/** Dependencies from the Lambda environment; read on first use, not at import. */
export function nativeDepsFromEnvironment(env: NodeJS.ProcessEnv = process.env): NativeHookDeps {
  const testListenerUrl = env.TEST_LISTENER_URL;
  if (!testListenerUrl)
    throw new Error('TEST_LISTENER_URL is not set; the stack sets it to the test listener URL');
  return {
    ecs: new ECSClient({}),
    testListenerUrl,
    containerName: env.CONTAINER_NAME ?? settings.container.name,
    probe: probeRelease,
    log: (entry) => console.log(JSON.stringify(entry)),
    now: Date.now,
    healthWindowMs: settings.hook.healthRetryWindowMs,
    callBackDelaySeconds: NATIVE_CALLBACK_DELAY_SECONDS,
  };
}

export { NATIVE_CALLBACK_DELAY_SECONDS } from '../../../core/probe/native-hook-answer';

let configured: ReturnType<typeof createNativeHook> | undefined;

/** The Lambda entry point. */
export async function handler(event: NativeHookEvent): Promise<NativeHookAnswer> {
  try {
    configured ??= createNativeHook(nativeDepsFromEnvironment());
  } catch (error) {
    // A misconfigured function still answers with a reason rather than throwing (which rolls back mutely).
    return failed('hook-error', error instanceof Error ? error.message : String(error));
  }
  return configured(event);
}
