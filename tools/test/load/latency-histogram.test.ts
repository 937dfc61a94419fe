import { LatencyHistogram } from '../../src/load/latency-histogram';

describe('LatencyHistogram', () => {
  it('reports percentiles within 1 % of the exact values over a wide range', () => {
    const h = new LatencyHistogram();
    const values = Array.from({ length: 10_000 }, (_, i) => 0.05 + (i * i) / 20_000);
    values.forEach((v) => h.record(v));
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [50, 90, 99, 99.9]) {
      const exact = sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
      expect(Math.abs(h.percentile(p) - exact) / exact).toBeLessThan(0.01);
    }
    expect(h.maxMs).toBeCloseTo(sorted.at(-1)!, 3);
    expect(h.count).toBe(10_000);
  });

  it('answers 0 when empty', () => {
    expect(new LatencyHistogram().percentile(99)).toBe(0);
  });
});
