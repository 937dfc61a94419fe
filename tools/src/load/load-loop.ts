import { setMaxListeners } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { LatencyHistogram } from './latency-histogram';

/** One request of the load loop. */
export interface LoadRequestResult {
  /** Clock time (the `now` option) when the request was sent. */
  startedAt: number;
  /** Time from sending the request to the end of the response body (or the error). */
  durationMs: number;
  status?: number;
  /** The `x-app-version` response header. */
  version?: string;
  error?: 'connection' | 'timeout';
}

/** What completed in one second of the run (second 0 is the first second after the start). */
export interface LoadSecond {
  second: number;
  requests: number;
  failed: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  url: string;
  /** Stop after this many requests. */
  count?: number;
  /**
   * Stop sending after this long. Requests in flight then have `endGraceMs` more to finish; any still open
   * after it are cut and counted as timeouts, so a target that stalls cannot stretch the run.
   */
  durationMs?: number;
  /** See `durationMs`. @default the smaller of `timeoutMs` and {@link END_GRACE_MS} */
  endGraceMs?: number;
  /** Pace: one request every `intervalMs` (across all workers). */
  intervalMs?: number;
  /** Pace: this many requests per second; ignored when `intervalMs` is given. */
  rate?: number;
  /** Requests in flight at most. Without a pace, this many workers send back to back. */
  concurrency: number;
  /** Limit for one request, response body included. */
  timeoutMs: number;
  /** Aborting stops the run at once and resolves with what completed so far. */
  signal?: AbortSignal;
  /** Clock for `startedAt` and the per-second series; defaults to `Date.now`. */
  now?: () => number;
  onResult?: (r: LoadRequestResult) => void;
  onSecond?: (s: LoadSecond) => void;
}

export interface LoadResult {
  requests: number;
  failed: number;
  byStatus: Record<string, number>;
  byVersion: Record<string, number>;
  errors: { connection: number; timeout: number };
  latency: { p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };
  series: LoadSecond[];
  durationMs: number;
}

/** The longest a run with a duration waits, after it, for the requests still in flight. */
export const END_GRACE_MS = 5_000;

/**
 * Distinct `x-app-version` values counted by name; further ones are counted under {@link OTHER_VERSIONS},
 * so a server that sends a new value on every answer cannot grow the tally without limit.
 */
export const MAX_VERSIONS = 20;
/** Characters of an `x-app-version` value kept (a version or image tag is at most 128). */
export const MAX_VERSION_CHARS = 128;
/** The `byVersion` key for versions past {@link MAX_VERSIONS}. */
export const OTHER_VERSIONS = '(other)';

/** A request fails on a connection error, a timeout, or a status outside 2xx/3xx. */
export function isFailed(r: LoadRequestResult): boolean {
  return r.error !== undefined || r.status === undefined || r.status < 200 || r.status >= 400;
}

/** The key a result is counted under in `byStatus`: the status code, or the error kind. */
export function statusKey(r: LoadRequestResult): string {
  return r.error ?? String(r.status);
}

const increment = (counts: Record<string, number>, key: string): void => {
  counts[key] = (counts[key] ?? 0) + 1;
};

class SecondBucket {
  requests = 0;
  failed = 0;
  readonly byStatus: Record<string, number> = {};
  readonly byVersion: Record<string, number> = {};
  readonly durations: number[] = [];

  add(r: LoadRequestResult): void {
    this.requests += 1;
    if (isFailed(r)) this.failed += 1;
    increment(this.byStatus, statusKey(r));
    if (r.version !== undefined) increment(this.byVersion, r.version);
    this.durations.push(r.durationMs);
  }

  toSecond(second: number): LoadSecond {
    const sorted = this.durations.sort((a, b) => a - b);
    const at = (p: number): number =>
      sorted.length === 0
        ? 0
        : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
    return {
      second,
      requests: this.requests,
      failed: this.failed,
      byStatus: { ...this.byStatus },
      byVersion: { ...this.byVersion },
      p50Ms: round(at(50)),
      p99Ms: round(at(99)),
    };
  }
}

const round = (ms: number): number => Math.round(ms * 100) / 100;

/** Sleeps until `ms` passed or the signal aborts, whichever comes first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

type Client = typeof http | typeof https;

/** Request options built once: turning a URL into them on every request costs more than its bookkeeping. */
function requestOptionsFor(url: URL, agent: http.Agent): http.RequestOptions {
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return {
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers: url.username ? { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` } : {},
    agent,
  };
}

/** Totals, the latency histogram and the per-second series of one run. */
class LoadTally {
  private readonly histogram = new LatencyHistogram();
  private readonly totals = { requests: 0, failed: 0, connection: 0, timeout: 0 };
  private readonly byStatus: Record<string, number> = {};
  private readonly byVersion: Record<string, number> = {};
  private readonly series: LoadSecond[] = [];
  private readonly buckets = new Map<number, SecondBucket>();
  private nextFlush = 0;

  constructor(
    private readonly startedAt: number,
    private readonly onSecond?: (s: LoadSecond) => void,
  ) {}

  secondOf(t: number): number {
    return Math.max(0, Math.floor((t - this.startedAt) / 1000));
  }

  /** The key `version` is counted under: itself while fewer than {@link MAX_VERSIONS} are known. */
  private versionKey(version: string): string {
    return version in this.byVersion || Object.keys(this.byVersion).length < MAX_VERSIONS
      ? version
      : OTHER_VERSIONS;
  }

  record(result: LoadRequestResult): void {
    const r = result.version === undefined ? result : { ...result, version: this.versionKey(result.version) };
    const { totals } = this;
    totals.requests += 1;
    if (isFailed(r)) totals.failed += 1;
    if (r.error) totals[r.error] += 1;
    increment(this.byStatus, statusKey(r));
    if (r.version !== undefined) increment(this.byVersion, r.version);
    this.histogram.record(r.durationMs);
    const second = Math.max(this.nextFlush, this.secondOf(r.startedAt + r.durationMs));
    let bucket = this.buckets.get(second);
    if (!bucket) this.buckets.set(second, (bucket = new SecondBucket()));
    bucket.add(r);
  }

  /** Closes every second before `second` and hands each to `onSecond`. */
  flushUntil(second: number): void {
    for (; this.nextFlush < second; this.nextFlush++) {
      const bucket = this.buckets.get(this.nextFlush) ?? new SecondBucket();
      this.buckets.delete(this.nextFlush);
      const s = bucket.toSecond(this.nextFlush);
      this.series.push(s);
      this.onSecond?.(s);
    }
  }

  result(durationMs: number): LoadResult {
    const { totals, histogram } = this;
    return {
      requests: totals.requests,
      failed: totals.failed,
      byStatus: this.byStatus,
      byVersion: this.byVersion,
      errors: { connection: totals.connection, timeout: totals.timeout },
      latency: {
        p50Ms: round(histogram.percentile(50)),
        p90Ms: round(histogram.percentile(90)),
        p99Ms: round(histogram.percentile(99)),
        maxMs: round(histogram.maxMs),
      },
      series: this.series,
      durationMs,
    };
  }
}

interface Sender {
  readonly client: Client;
  readonly requestOptions: http.RequestOptions;
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Each request in flight, with how to end it as a timeout. */
  readonly inFlight: Map<http.ClientRequest, () => void>;
  /** True once the caller aborted: requests cut short then are not results. */
  readonly cancelled: () => boolean;
}

/** Sends one GET and resolves with its result, or undefined when the caller's abort cut it short. */
function sendOne(sender: Sender): Promise<LoadRequestResult | undefined> {
  return new Promise((resolve) => {
    const sentAt = sender.now();
    const t0 = performance.now();
    let settled = false;
    let timedOut = false;
    const finish = (fields: Omit<LoadRequestResult, 'startedAt' | 'durationMs'> | undefined): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      sender.inFlight.delete(req);
      resolve(fields && { startedAt: sentAt, durationMs: performance.now() - t0, ...fields });
    };
    const req = sender.client.get(sender.requestOptions, (res) => {
      const header = res.headers['x-app-version'];
      const version = (Array.isArray(header) ? header[0] : header)?.slice(0, MAX_VERSION_CHARS);
      res.on('end', () => finish({ status: res.statusCode, ...(version !== undefined && { version }) }));
      res.on('error', () => finish({ error: timedOut ? 'timeout' : 'connection' }));
      res.resume();
    });
    const timeOut = (): void => {
      timedOut = true;
      req.destroy();
      finish({ error: 'timeout' });
    };
    const timer = setTimeout(timeOut, sender.timeoutMs);
    req.on('error', () =>
      finish(sender.cancelled() ? undefined : { error: timedOut ? 'timeout' : 'connection' }),
    );
    req.on('close', () => {
      if (sender.cancelled()) finish(undefined);
    });
    sender.inFlight.set(req, timeOut);
  });
}

function checkOptions(options: LoadOptions): URL {
  const url = new URL(options.url);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`load: URL must be http or https, got "${options.url}"`);
  }
  if (!(options.concurrency >= 1)) throw new Error('load: concurrency must be at least 1');
  if (!(options.timeoutMs > 0)) throw new Error('load: timeout must be positive');
  return url;
}

/**
 * Runs a load loop against one URL and resolves with totals, percentiles and a per-second series.
 * Per-request failures are counted, never thrown; only bad options throw.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = checkOptions(options);
  const intervalMs =
    options.intervalMs ?? (options.rate !== undefined && options.rate > 0 ? 1000 / options.rate : undefined);
  const now = options.now ?? Date.now;
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: options.concurrency });
  // One controller stops everything: the caller's abort, or the end of the run for paced waits.
  const stop = new AbortController();
  // Every paced worker waits on this signal at once; Node warns past 10 listeners.
  setMaxListeners(options.concurrency + 10, stop.signal);
  const inFlight = new Map<http.ClientRequest, () => void>();
  const onAbort = (): void => {
    stop.abort();
    for (const req of inFlight.keys()) req.destroy();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) stop.abort();

  const cancelled = (): boolean => options.signal?.aborted === true;
  const sender: Sender = {
    client,
    requestOptions: requestOptionsFor(url, agent),
    timeoutMs: options.timeoutMs,
    now,
    inFlight,
    cancelled,
  };
  const tally = new LoadTally(now(), options.onSecond);
  const startedPerf = performance.now();
  const ticker = setInterval(() => tally.flushUntil(tally.secondOf(now())), 250);
  const endGraceMs = options.endGraceMs ?? Math.min(options.timeoutMs, END_GRACE_MS);
  const cutter =
    options.durationMs === undefined
      ? undefined
      : setTimeout(() => {
          stop.abort();
          for (const timeOut of [...inFlight.values()]) timeOut();
        }, options.durationMs + endGraceMs);

  let slot = 0;
  const deadline = options.durationMs === undefined ? Infinity : startedPerf + options.durationMs;
  const worker = async (): Promise<void> => {
    for (;;) {
      if (stop.signal.aborted) return;
      if (options.count !== undefined && slot >= options.count) return;
      const mine = slot++;
      if (intervalMs !== undefined) {
        await pause(Math.min(startedPerf + mine * intervalMs, deadline) - performance.now(), stop.signal);
        if (stop.signal.aborted) return;
      }
      if (performance.now() >= deadline) {
        stop.abort();
        return;
      }
      const result = await sendOne(sender);
      // Requests cut short by the caller's abort are not results; those that end after the duration count.
      if (!result || cancelled()) continue;
      tally.record(result);
      options.onResult?.(result);
    }
  };

  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(ticker);
    clearTimeout(cutter);
    options.signal?.removeEventListener('abort', onAbort);
    agent.destroy();
  }
  tally.flushUntil(tally.secondOf(now()) + 1);
  return tally.result(Math.round(performance.now() - startedPerf));
}
