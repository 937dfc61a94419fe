/**
 * The checks a release must pass through the test listener before production traffic moves to it. The
 * CodeDeploy hook Lambda and the local rehearsal both call {@link probeRelease}, so a release is judged
 * the same way on AWS and on one machine.
 */
import { settings } from '../../contract/settings';

/** What to probe and how hard. Times are milliseconds. */
export interface ProbeOptions {
  /** Base URL of the test listener, e.g. `http://test-listener:8080` (no trailing slash). */
  baseUrl: string;
  /** When set, every `/` response's `x-app-version` must equal it; when absent the version is not checked. */
  expectedVersion?: string;
  /** Path of the health endpoint (`settings.container.healthPath`). */
  healthPath: string;
  /** Requests sent to `/`; every one must answer 200 (`settings.hook.burstRequests`). */
  burstRequests: number;
  /** Limit for one request (`settings.hook.requestTimeoutMs`). */
  requestTimeoutMs: number;
  /** Limit for the whole probe (`settings.hook.probeTimeoutMs`). */
  probeTimeoutMs: number;
  /** Keep retrying `/health` until it answers 200 or this window ends (`settings.hook.healthRetryWindowMs`). */
  healthRetryWindowMs: number;
  /** Pause between `/health` attempts. @default HEALTH_RETRY_PAUSE_MS */
  healthRetryPauseMs?: number;
  /**
   * When set, a `/` answer slower than this fails the probe: it would trip the response-time alarm anyway,
   * only minutes later. {@link probeOptionsFromSettings} sets it from `settings.alarms.responseTimeSeconds`.
   * @default - answer time is not checked
   */
  maxResponseMs?: number;
  /** @default globalThis.fetch */
  fetchImpl?: typeof fetch;
  /** @default a setTimeout-based sleep */
  sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  now?: () => number;
}

/** One named check and what it saw. */
export interface ProbeCheck {
  name: string;
  ok: boolean;
  detail: string;
}

/** The verdict: `ok` only when every check passed; `reason` names the first failure. */
export interface ProbeResult {
  ok: boolean;
  reason: string;
  checks: ProbeCheck[];
}

/** Pause between `/health` attempts while green settles; short next to the ALB's 5 s check interval. */
export const HEALTH_RETRY_PAUSE_MS = 1_000;

interface Observed {
  status?: number;
  version?: string;
  error?: string;
  elapsedMs: number;
}

class ProbeDeadline extends Error {}

/** Probe options from the shared settings, for a given test listener and expected version. */
export function probeOptionsFromSettings(baseUrl: string, expectedVersion?: string): ProbeOptions {
  return {
    baseUrl: baseUrl.replace(/\/+$/, ''),
    expectedVersion,
    healthPath: settings.container.healthPath,
    burstRequests: settings.hook.burstRequests,
    requestTimeoutMs: settings.hook.requestTimeoutMs,
    probeTimeoutMs: settings.hook.probeTimeoutMs,
    healthRetryWindowMs: settings.hook.healthRetryWindowMs,
    maxResponseMs: settings.alarms.responseTimeSeconds * 1000,
  };
}

/**
 * Waits for `/health` to answer 200, then sends a burst of `GET /` that must all answer 200 (and carry
 * the expected `x-app-version` when one is given). Never throws: a refused connection, a timeout, a 5xx
 * or a wrong version all come back as `ok: false` with a reason.
 */
export async function probeRelease(options: ProbeOptions): Promise<ProbeResult> {
  const checks: ProbeCheck[] = [];
  try {
    validate(options);
    const fetchImpl = options.fetchImpl ?? globalThis.fetch;
    const sleep = options.sleep ?? defaultSleep;
    const now = options.now ?? Date.now;
    const deadline = now() + options.probeTimeoutMs;
    const baseUrl = options.baseUrl.replace(/\/+$/, '');

    const request = async (path: string): Promise<Observed> => {
      const left = deadline - now();
      if (left <= 0) throw new ProbeDeadline();
      const started = now();
      const seen = await observe(fetchImpl, `${baseUrl}${path}`, Math.min(options.requestTimeoutMs, left));
      return { ...seen, elapsedMs: now() - started };
    };

    checks.push(await checkHealth(options, request, sleep, now, deadline));
    if (checks.every((c) => c.ok)) checks.push(...(await checkBurst(options, request)));
  } catch (error) {
    const detail =
      error instanceof ProbeDeadline
        ? `the probe did not finish within ${options.probeTimeoutMs} ms`
        : `the probe itself failed: ${describe(error)}`;
    checks.push({ name: error instanceof ProbeDeadline ? 'deadline' : 'probe', ok: false, detail });
  }
  const failed = checks.find((c) => !c.ok);
  return {
    ok: failed === undefined,
    reason: failed === undefined ? 'all checks passed' : `${failed.name}: ${failed.detail}`,
    checks,
  };
}

async function checkHealth(
  options: ProbeOptions,
  request: (path: string) => Promise<Observed>,
  sleep: (ms: number) => Promise<void>,
  now: () => number,
  deadline: number,
): Promise<ProbeCheck> {
  const windowEnd = Math.min(now() + options.healthRetryWindowMs, deadline);
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const seen = await request(options.healthPath);
    if (seen.status === 200) {
      return {
        name: 'health',
        ok: true,
        detail: `${options.healthPath} answered 200 after ${attempts} attempt(s)`,
      };
    }
    const pause = Math.min(options.healthRetryPauseMs ?? HEALTH_RETRY_PAUSE_MS, windowEnd - now());
    if (pause <= 0) {
      return {
        name: 'health',
        ok: false,
        detail: `${options.healthPath} did not answer 200 within ${options.healthRetryWindowMs} ms (${attempts} attempt(s), last: ${summarise(seen)})`,
      };
    }
    await sleep(pause);
  }
}

async function checkBurst(
  options: ProbeOptions,
  request: (path: string) => Promise<Observed>,
): Promise<ProbeCheck[]> {
  // Sequential on purpose: each request is a fresh draw for probabilistic faults, and the test listener
  // sees the same gentle load on AWS as in the local rehearsal.
  // Every request must pass, so the first that does not (an error, a slow answer, a wrong version) already
  // decides: the rest could not change the verdict and would only delay the rollback (at a few seconds
  // each, a slow release would run the Lambda into its timeout).
  const seen: Observed[] = [];
  for (let i = 0; i < options.burstRequests; i += 1) {
    const answer = await request('/');
    seen.push(answer);
    if (verdictCertain(options, answer)) break;
  }

  const failures = seen.filter((s) => s.status !== 200);
  const status: ProbeCheck =
    failures.length === 0
      ? { name: 'requests', ok: true, detail: `${seen.length}/${seen.length} GET / answered 200` }
      : {
          name: 'requests',
          ok: false,
          detail: `${failures.length}/${seen.length} GET / failed (first: ${summarise(failures[0] ?? { elapsedMs: 0 })})`,
        };

  const latency = checkLatency(options.maxResponseMs, seen);
  const expected = options.expectedVersion;
  if (expected === undefined) {
    return [status, latency, { name: 'version', ok: true, detail: 'skipped: no expected version given' }];
  }
  const answered = seen.filter((s) => s.status !== undefined);
  const wrong = answered.filter((s) => s.version !== expected);
  const version: ProbeCheck =
    wrong.length === 0
      ? { name: 'version', ok: true, detail: `every answer carried x-app-version ${expected}` }
      : {
          name: 'version',
          ok: false,
          detail: `${wrong.length}/${answered.length} answers carried x-app-version ${wrong[0]?.version ?? '(none)'}, expected ${expected}`,
        };
  // A wrong version means the test listener is not on green at all, which explains any other failure.
  return version.ok ? [status, latency, version] : [version, status, latency];
}

/** Whether one answer already fails the burst: it is not a 200, too slow, or from another version. */
const verdictCertain = (options: ProbeOptions, s: Observed): boolean =>
  s.status !== 200 ||
  isSlow(options.maxResponseMs, s) ||
  (options.expectedVersion !== undefined && s.version !== options.expectedVersion);

const isSlow = (maxResponseMs: number | undefined, s: Observed): boolean =>
  maxResponseMs !== undefined && s.status !== undefined && s.elapsedMs > maxResponseMs;

function checkLatency(maxResponseMs: number | undefined, seen: readonly Observed[]): ProbeCheck {
  if (maxResponseMs === undefined) return { name: 'latency', ok: true, detail: 'skipped: no limit given' };
  const slowest = Math.max(0, ...seen.filter((s) => s.status !== undefined).map((s) => s.elapsedMs));
  const slow = seen.filter((s) => isSlow(maxResponseMs, s));
  return slow.length === 0
    ? { name: 'latency', ok: true, detail: `slowest answer took ${slowest} ms (limit ${maxResponseMs} ms)` }
    : {
        name: 'latency',
        ok: false,
        detail: `${slow.length}/${seen.length} answers took longer than ${maxResponseMs} ms (slowest ${slowest} ms)`,
      };
}

async function observe(
  fetchImpl: typeof fetch,
  url: string,
  timeoutMs: number,
): Promise<Omit<Observed, 'elapsedMs'>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchImpl(url, { signal: controller.signal, redirect: 'manual' });
    // Read the body so the connection is released, under the same timer as the headers.
    await response.arrayBuffer();
    return { status: response.status, version: response.headers.get('x-app-version') ?? undefined };
  } catch (error) {
    return { error: controller.signal.aborted ? `no answer within ${timeoutMs} ms` : describe(error) };
  } finally {
    clearTimeout(timer);
  }
}

function summarise(seen: Omit<Observed, 'elapsedMs'>): string {
  if (seen.error !== undefined) return seen.error;
  return `HTTP ${seen.status ?? '?'}`;
}

function describe(error: unknown): string {
  // Duck-typed: fetch's errors may come from another realm, where instanceof Error is false.
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const { message, cause } = error as { message: unknown; cause?: { code?: unknown; message?: unknown } };
    const detail = typeof cause === 'object' && cause !== null ? (cause.code ?? cause.message) : undefined;
    return typeof detail === 'string' ? `${String(message)} (${detail})` : String(message);
  }
  return String(error);
}

function validate(options: ProbeOptions): void {
  if (!/^https?:\/\/[^/]/.test(options.baseUrl)) {
    throw new Error(
      `baseUrl must be an http(s) URL such as http://host:8080, got ${JSON.stringify(options.baseUrl)}`,
    );
  }
  for (const key of ['burstRequests', 'requestTimeoutMs', 'probeTimeoutMs', 'healthRetryWindowMs'] as const) {
    const value = options[key];
    if (!Number.isFinite(value) || value < (key === 'healthRetryWindowMs' ? 0 : 1)) {
      throw new Error(`${key} must be a positive number, got ${String(value)}`);
    }
  }
  if (!options.healthPath.startsWith('/')) {
    throw new Error(`healthPath must start with "/", got ${JSON.stringify(options.healthPath)}`);
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
