import {
  answerFromProbe,
  NATIVE_CALLBACK_DELAY_SECONDS,
  nextAttempt,
} from '../../../../core/probe/native-hook-answer';
import {
  probeOptionsFromSettings,
  probeRelease,
  type ProbeResult,
} from '../../../../core/probe/release-probe';
import { sleep, type Clock } from '../clock';
import type { LocalHookTimings } from '../time-scale/local-timings';
import type { HookInvocation, HookReply } from '../controllers/native-lifecycle';

/**
 * The AfterAllowTestTraffic hook against the local test listener: the Lambda's own probe with its limits
 * compressed, and each request taking at least the model's round trip (compressed), so the hook's burst
 * lasts as long, in AWS seconds, as the model says it does on AWS. Aborting `signal` ends a probe still
 * running: it sends nothing more and its pauses end at once (the probe itself never throws).
 */
export function runLocalHook(
  testUrl: string,
  expectedVersion: string,
  timings: LocalHookTimings,
  clock: Clock,
  signal: AbortSignal,
  onRequest?: (elapsedMs: number) => void,
): Promise<ProbeResult> {
  const paced: typeof fetch = async (input, init) => {
    if (signal.aborted) throw new Error('the rehearsal has ended');
    const started = clock.now();
    try {
      const [response] = await Promise.all([
        fetch(input, init),
        sleep(clock, timings.requestRoundTripMs, signal).catch(() => undefined),
      ]);
      return response;
    } finally {
      onRequest?.(clock.now() - started);
    }
  };
  return probeRelease({
    ...probeOptionsFromSettings(testUrl, expectedVersion),
    requestTimeoutMs: timings.requestTimeoutMs,
    probeTimeoutMs: timings.probeTimeoutMs,
    healthRetryWindowMs: timings.healthRetryWindowMs,
    healthRetryPauseMs: timings.healthRetryPauseMs,
    maxResponseMs: timings.maxResponseMs,
    fetchImpl: paced,
    // Whole milliseconds, as Date.now gives the Lambda.
    now: () => Math.round(clock.now()),
    sleep: (ms) => sleep(clock, ms, signal),
  });
}

/**
 * One invocation of the native POST_TEST_TRAFFIC_SHIFT hook against the local test listener: the same
 * probe with no health retry of its own, answered by the Lambda's own rule (`answerFromProbe`): IN_PROGRESS
 * while `/health` fails inside the (compressed) health window, then SUCCEEDED or FAILED.
 */
export async function runLocalNativeHook(
  invocation: HookInvocation,
  testUrl: string,
  expectedVersion: string,
  timings: LocalHookTimings,
  clock: Clock,
  signal: AbortSignal,
  onRequest?: (elapsedMs: number) => void,
): Promise<HookReply> {
  const now = (): number => Math.round(clock.now());
  const attempt = nextAttempt(invocation.hookDetails, now());
  const probe = await runLocalHook(
    testUrl,
    expectedVersion,
    { ...timings, healthRetryWindowMs: 0 },
    clock,
    signal,
    onRequest,
  );
  const answer = answerFromProbe({
    result: probe,
    attempt,
    now: now(),
    healthWindowMs: timings.healthRetryWindowMs,
    callBackDelaySeconds: NATIVE_CALLBACK_DELAY_SECONDS,
  });
  return { answer, probe };
}
