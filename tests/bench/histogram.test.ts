import { Histogram } from '../../bench/measure/histogram';

/** Worst-case relative error of a bucket's midpoint: half of 1/64. */
const RELATIVE_ERROR = 1 / 128;

function expectNear(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * RELATIVE_ERROR + 0.001);
}

describe('bench latency histogram', () => {
  it('gives the nearest-rank percentiles of 1 … 10 000 ms within the bucket error', () => {
    const histogram = new Histogram();
    for (let ms = 1; ms <= 10_000; ms += 1) histogram.record(ms);
    const summary = histogram.summary();
    expect(summary.count).toBe(10_000);
    expectNear(summary.p50, 5_000);
    expectNear(summary.p95, 9_500);
    expectNear(summary.p99, 9_900);
    expect(summary.max).toBe(10_000);
    expect(summary.mean).toBeCloseTo(5_000.5, 6);
  });

  it('keeps sub-millisecond values to the microsecond', () => {
    const histogram = new Histogram();
    [0.012, 0.034, 0.051, 0.063].forEach((ms) => histogram.record(ms));
    expect(histogram.percentile(0.25)).toBeCloseTo(0.012, 6);
    expect(histogram.percentile(0.5)).toBeCloseTo(0.034, 6);
    expect(histogram.percentile(1)).toBeCloseTo(0.063, 6);
  });

  it('finds a tail hidden under a mass of fast deliveries', () => {
    const histogram = new Histogram();
    for (let i = 0; i < 9_900; i += 1) histogram.record(2);
    for (let i = 0; i < 100; i += 1) histogram.record(800);
    expectNear(histogram.percentile(0.5), 2);
    expectNear(histogram.percentile(0.99), 2);
    expectNear(histogram.percentile(0.995), 800);
  });

  it('never reports a percentile outside the recorded range', () => {
    const histogram = new Histogram();
    histogram.record(123.4567);
    const { p50, p99, max } = histogram.summary();
    expect(p50).toBe(123.4567);
    expect(p99).toBe(123.4567);
    expect(max).toBe(123.4567);
  });

  it('merges snapshots from several processes into the same percentiles as one histogram', () => {
    const whole = new Histogram();
    const parts = [new Histogram(), new Histogram(), new Histogram()];
    for (let i = 0; i < 30_000; i += 1) {
      const ms = ((i * 7919) % 30_000) / 10;
      whole.record(ms);
      parts[i % 3]?.record(ms);
    }
    const merged = Histogram.from(parts.map((p) => p.snapshot()));
    expect(merged.summary()).toEqual(whole.summary());
  });

  it('counts negative clock noise as zero and clamps values beyond its range', () => {
    const histogram = new Histogram();
    histogram.record(-0.2);
    histogram.record(10 * 3_600_000);
    expect(histogram.count).toBe(2);
    expect(histogram.percentile(0.5)).toBe(0);
    expect(histogram.percentile(1)).toBe(10 * 3_600_000);
  });

  it('is empty after reset and reports no percentile when empty', () => {
    const histogram = new Histogram();
    histogram.record(5);
    histogram.reset();
    expect(histogram.count).toBe(0);
    expect(histogram.percentile(0.5)).toBeNaN();
    expect(histogram.snapshot().buckets).toEqual([]);
  });
});
