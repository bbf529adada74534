import { settledRss, settleState, type SettleRule } from '../../bench/measure/settled-rss';

const RULE: SettleRule = { intervalMs: 10_000, minReadings: 3, toleranceKb: 1_024, tolerancePercent: 1, maxMs: 60_000 };

/** A `collect` that counts its calls and answers with the call's number. */
function countingCollector(): { collect: () => Promise<number>; calls: () => number } {
  let calls = 0;
  return {
    collect: () => {
      calls += 1;
      return Promise.resolve(calls);
    },
    calls: () => calls,
  };
}

describe('settled RSS', () => {
  describe('settleState', () => {
    it('waits for a second reading: one alone cannot show that memory stopped falling', () => {
      expect(settleState([150_000], 0, RULE)).toBe('waiting');
    });

    it('waits while memory is still being given back between readings', () => {
      expect(settleState([150_000, 120_000], 10_000, RULE)).toBe('waiting');
    });

    it('is settled once two readings in a row are within the tolerance, rising or falling', () => {
      expect(settleState([150_000, 120_000, 119_200], 20_000, RULE)).toBe('settled');
      expect(settleState([120_000, 121_000, 121_900], 20_000, RULE)).toBe('settled');
    });

    it('allows a large process a share of its size rather than the fixed tolerance', () => {
      expect(settleState([300_000, 250_000, 247_600], 20_000, RULE)).toBe('settled');
      expect(settleState([300_000, 250_000, 247_400], 20_000, RULE)).toBe('waiting');
    });

    it('is not settled before minReadings, even when the readings agree: V8 may not have started', () => {
      expect(settleState([150_000, 150_000], 10_000, RULE)).toBe('waiting');
      expect(settleState([150_000, 150_000], 10_000, { ...RULE, minReadings: 2 })).toBe('settled');
    });

    it('times out when no further reading would fit before maxMs', () => {
      expect(settleState([150_000, 130_000, 110_000], 45_000, RULE)).toBe('waiting');
      expect(settleState([150_000, 130_000, 110_000, 90_000], 50_001, RULE)).toBe('timed-out');
    });
  });

  describe('settledRss', () => {
    it('collects before every reading and stops once enough readings agree, with what the last collect gave', async () => {
      const counter = countingCollector();
      const reading = await settledRss(process.pid, counter.collect, {
        intervalMs: 5,
        minReadings: 3,
        toleranceKb: Number.POSITIVE_INFINITY,
        tolerancePercent: 0,
        maxMs: 10_000,
      });
      expect(counter.calls()).toBe(3);
      expect(reading.collected).toBe(3);
      expect(reading.settled).toBe(true);
      expect(reading.rssKb).toBeGreaterThan(0);
    });

    it('returns the last reading, marked unsettled, when readings never agree', async () => {
      const counter = countingCollector();
      const reading = await settledRss(process.pid, counter.collect, {
        intervalMs: 5,
        minReadings: 2,
        toleranceKb: -1,
        tolerancePercent: -1,
        // Long enough for a second reading even on a loaded machine; at most one per interval.
        maxMs: 200,
      });
      expect(reading.settled).toBe(false);
      expect(counter.calls()).toBeGreaterThanOrEqual(2);
      expect(counter.calls()).toBeLessThanOrEqual(41);
    });

    it('fails when the process is gone', async () => {
      await expect(settledRss(2 ** 22 + 1, () => Promise.resolve())).rejects.toThrow(/is gone/);
    });
  });
});
