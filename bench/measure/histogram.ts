/**
 * A fixed-size, log-bucketed latency histogram in the manner of HdrHistogram: values are
 * kept in microseconds, each power of two is split into SUB_BUCKETS linear buckets, so a
 * percentile is off by at most 1/SUB_BUCKETS of its value (under 1.6 %) whatever the count,
 * and recording costs one Math.clz32 and an array increment. Memory never grows, which is
 * what lets a client process record every one of millions of deliveries.
 */

/** Linear buckets per power of two; a power of two keeps the index arithmetic exact. */
const SUB_BUCKET_BITS = 6;
const SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
/** Values up to 2^32 µs (about 71 minutes); larger ones land in the last bucket. */
const MAX_EXPONENT = 32;
const BUCKETS = (MAX_EXPONENT - SUB_BUCKET_BITS + 1) * SUB_BUCKETS;
const MAX_MICROS = 2 ** MAX_EXPONENT - 1;

/** Sparse form for IPC: [bucket index, count] pairs of the non-empty buckets. */
export interface HistogramSnapshot {
  buckets: [number, number][];
  count: number;
  /** Exact, in ms. */
  min: number;
  max: number;
  sum: number;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function indexOf(micros: number): number {
  if (micros < SUB_BUCKETS) return micros;
  // The exponent of the highest set bit picks the power of two; the next SUB_BUCKET_BITS bits the bucket in it.
  const exponent = 31 - Math.clz32(micros);
  const shift = exponent - SUB_BUCKET_BITS;
  return (shift + 1) * SUB_BUCKETS + ((micros >>> shift) - SUB_BUCKETS);
}

/** The middle of a bucket's range, in µs: the estimate with the smallest worst-case error. */
function valueOf(index: number): number {
  if (index < SUB_BUCKETS) return index;
  const shift = Math.floor(index / SUB_BUCKETS) - 1;
  const low = (SUB_BUCKETS + (index % SUB_BUCKETS)) * 2 ** shift;
  return low + (2 ** shift - 1) / 2;
}

export class Histogram {
  private counts = new Float64Array(BUCKETS);
  private total = 0;
  private minMs = Number.POSITIVE_INFINITY;
  private maxMs = 0;
  private sumMs = 0;

  /** Records one latency in milliseconds; negative values (clock noise) count as 0. */
  record(ms: number): void {
    const value = ms > 0 ? ms : 0;
    const micros = Math.min(MAX_MICROS, Math.round(value * 1000));
    const index = indexOf(micros);
    this.counts[index] = (this.counts[index] ?? 0) + 1;
    this.total += 1;
    this.sumMs += value;
    if (value < this.minMs) this.minMs = value;
    if (value > this.maxMs) this.maxMs = value;
  }

  get count(): number {
    return this.total;
  }

  /** The value at or below which `quantile` (0–1) of the recorded values fall, in ms. */
  percentile(quantile: number): number {
    if (this.total === 0) return Number.NaN;
    // Nearest-rank definition: the smallest value with at least ceil(q·n) values at or below it.
    const rank = Math.max(1, Math.ceil(quantile * this.total));
    // The top rank is the maximum, known exactly (and the last bucket also holds clamped values).
    if (rank >= this.total) return this.maxMs;
    let seen = 0;
    for (let index = 0; index < BUCKETS; index += 1) {
      seen += this.counts[index] ?? 0;
      if (seen >= rank) {
        // Clamped so a percentile never lies outside what was actually seen.
        return Math.min(this.maxMs, Math.max(this.minMs, valueOf(index) / 1000));
      }
    }
    return this.maxMs;
  }

  summary(): Percentiles {
    return {
      count: this.total,
      p50: this.percentile(0.5),
      p95: this.percentile(0.95),
      p99: this.percentile(0.99),
      max: this.total === 0 ? Number.NaN : this.maxMs,
      mean: this.total === 0 ? Number.NaN : this.sumMs / this.total,
    };
  }

  add(snapshot: HistogramSnapshot): void {
    for (const [index, count] of snapshot.buckets) {
      if (index >= 0 && index < BUCKETS) this.counts[index] = (this.counts[index] ?? 0) + count;
    }
    this.total += snapshot.count;
    this.sumMs += snapshot.sum;
    if (snapshot.count > 0) {
      this.minMs = Math.min(this.minMs, snapshot.min);
      this.maxMs = Math.max(this.maxMs, snapshot.max);
    }
  }

  snapshot(): HistogramSnapshot {
    const buckets: [number, number][] = [];
    this.counts.forEach((count, index) => {
      if (count > 0) buckets.push([index, count]);
    });
    return { buckets, count: this.total, min: this.minMs, max: this.maxMs, sum: this.sumMs };
  }

  reset(): void {
    this.counts.fill(0);
    this.total = 0;
    this.minMs = Number.POSITIVE_INFINITY;
    this.maxMs = 0;
    this.sumMs = 0;
  }

  static from(snapshots: readonly HistogramSnapshot[]): Histogram {
    const histogram = new Histogram();
    for (const snapshot of snapshots) histogram.add(snapshot);
    return histogram;
  }
}
