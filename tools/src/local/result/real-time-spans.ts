import type { DecidingSignal } from '../../../../core/model/signal-paths';
import type { LocalTimings } from '../time-scale/local-timings';
import type { RealTimeSpan } from './rehearsal-result';

/** The hook's probe as it ran: when it began and ended, and each request's real time (rehearsal ms). */
export interface HookRun {
  startedAt?: number;
  endedAt?: number;
  readonly requestsMs: number[];
}

/**
 * The parts of a rehearsal that ran in real time and how the detection counts them: green's start-up
 * (before the model's time zero, not counted) and, when the hook decided, its requests, which run at the
 * speed of response times, each at least the model's round trip, its pauses compressed.
 */
export function realTimeSpans(
  timings: LocalTimings,
  green: { launchedAt?: number; zero?: number },
  decidedBy: DecidingSignal | undefined,
  hook: HookRun,
): RealTimeSpan[] {
  const spans: RealTimeSpan[] = [];
  if (green.zero !== undefined && green.launchedAt !== undefined)
    spans.push({
      what: "green's first task starting (before the model's time zero: not counted)",
      realMs: Math.round(green.zero - green.launchedAt),
      countedAsAwsMs: 0,
    });
  const { startedAt, endedAt, requestsMs } = hook;
  if (decidedBy === 'test-traffic hook' && startedAt !== undefined && endedAt !== undefined) {
    const { timeScale, responseScale } = timings;
    const roundTripAwsMs = timings.hook.requestRoundTripMs * timeScale;
    const requests = requestsMs.reduce((sum, ms) => sum + ms, 0);
    const awsMs =
      requestsMs.reduce((sum, ms) => sum + Math.max(roundTripAwsMs, ms * responseScale), 0) +
      Math.max(0, endedAt - startedAt - requests) * timeScale;
    spans.push({
      what: `the hook's ${requestsMs.length} requests through the test listener (real answer times, scale ${responseScale})`,
      realMs: Math.round(endedAt - startedAt),
      countedAsAwsMs: Math.round(awsMs),
    });
  }
  return spans;
}
