import { sleep } from '../lib/children';
import { rssKb } from './process-stats';

/**
 * A process's resident memory once it has settled. A burst of work (a start-up, thousands of
 * connections arriving) grows V8's young generation and old-space pages, and V8 gives them
 * back only some seconds after a full GC (its memory reducer waits 8 s by default), not at
 * the GC itself. So RSS read right after the burst carries the burst, and a per-connection
 * figure with it. Settled here means: at least `minReadings` readings, each after a full GC
 * and `intervalMs` apart, the last two within `toleranceKb` or `tolerancePercent` of each other.
 */

export interface SettleRule {
  /** Between two readings: longer than V8's memory-reducer delay. */
  intervalMs: number;
  /** Never settled before this many: two readings can agree before V8 has started giving memory back. */
  minReadings: number;
  /** How close two readings in a row must be. */
  toleranceKb: number;
  /** …or by this share of the last reading, whichever is more (a large process moves more). */
  tolerancePercent: number;
  /** Settled or not, the last reading is taken by then. */
  maxMs: number;
}

export const SETTLE_RULE: SettleRule = {
  intervalMs: 10_000,
  minReadings: 3,
  toleranceKb: 1_024,
  tolerancePercent: 1,
  maxMs: 90_000,
};

/** `settled` once there are `minReadings` and the last two agree; `timed-out` at `maxMs` without that. */
export function settleState(
  readingsKb: readonly number[],
  elapsedMs: number,
  rule: SettleRule = SETTLE_RULE,
): 'waiting' | 'settled' | 'timed-out' {
  const last = readingsKb.at(-1);
  const previous = readingsKb.at(-2);
  const enough = readingsKb.length >= Math.max(2, rule.minReadings);
  if (enough && last !== undefined && previous !== undefined) {
    const tolerance = Math.max(rule.toleranceKb, (last * rule.tolerancePercent) / 100);
    if (Math.abs(last - previous) <= tolerance) return 'settled';
  }
  return elapsedMs + rule.intervalMs > rule.maxMs ? 'timed-out' : 'waiting';
}

export interface SettledReading<T> {
  rssKb: number;
  /** What the last `collect` returned. */
  collected: T;
  /** How long the wait took. */
  waitedMs: number;
  /** False when `maxMs` ran out before the readings agreed. */
  settled: boolean;
}

/** Reads RSS after `collect` (a full GC, where the process can be asked for one) until it settles. */
export async function settledRss<T>(
  pid: number,
  collect: () => Promise<T>,
  rule: SettleRule = SETTLE_RULE,
): Promise<SettledReading<T>> {
  const started = Date.now();
  const readings: number[] = [];
  for (;;) {
    const collected = await collect();
    const rss = rssKb(pid);
    if (rss === null) throw new Error(`process ${pid} is gone`);
    readings.push(rss);
    const state = settleState(readings, Date.now() - started, rule);
    if (state !== 'waiting') {
      return { rssKb: rss, collected, waitedMs: Date.now() - started, settled: state === 'settled' };
    }
    await sleep(rule.intervalMs);
  }
}
