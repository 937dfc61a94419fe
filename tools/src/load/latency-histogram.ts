/**
 * A log-linear latency histogram (the HDR idea in a few lines): values below 256 microseconds are exact and
 * each power of two above is split into 128 linear buckets, so a percentile is within 1 % of the recorded
 * value and memory stays fixed however long the load runs.
 */
const SUB_BUCKETS = 256;
const SUB_BITS = 8;
/** 2^40 microseconds is about 12 days: more than any request timeout. */
const MAX_EXPONENT = 40;

export class LatencyHistogram {
  private readonly counts = new Float64Array((MAX_EXPONENT + 1) * SUB_BUCKETS);
  private total = 0;
  private maxMicros = 0;

  /** Number of values recorded. */
  get count(): number {
    return this.total;
  }

  /** Largest recorded value, in milliseconds (exact, not bucketed). */
  get maxMs(): number {
    return this.maxMicros / 1000;
  }

  record(ms: number): void {
    const micros = Math.max(0, Math.round(ms * 1000));
    this.counts[bucketOf(micros)]! += 1;
    this.total += 1;
    if (micros > this.maxMicros) this.maxMicros = micros;
  }

  /** The value at or below which `p` percent of the recorded values fall; 0 when nothing was recorded. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(upperMicrosOf(i), this.maxMicros) / 1000;
    }
    return this.maxMs;
  }
}

function bucketOf(micros: number): number {
  if (micros < SUB_BUCKETS) return micros;
  const exponent = Math.min(MAX_EXPONENT, Math.floor(Math.log2(micros)) - SUB_BITS + 1);
  const sub = Math.min(
    SUB_BUCKETS / 2 - 1,
    Math.max(0, Math.floor(micros / 2 ** exponent) - SUB_BUCKETS / 2),
  );
  return exponent * SUB_BUCKETS + SUB_BUCKETS / 2 + sub;
}

/** Largest value that falls in bucket `index`, so percentiles never under-report. */
function upperMicrosOf(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const exponent = Math.floor((index - SUB_BUCKETS / 2) / SUB_BUCKETS);
  const sub = index - exponent * SUB_BUCKETS - SUB_BUCKETS / 2;
  return (sub + SUB_BUCKETS / 2 + 1) * 2 ** exponent - 1;
}
