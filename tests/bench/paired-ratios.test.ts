import { median, pairedRatios } from '../../bench/measure/paired-ratios';

describe('paired ratios', () => {
  describe('median', () => {
    it('is the middle value of an odd count, whatever the order', () => {
      expect(median([9, 1, 5])).toBe(5);
    });

    it('is the mean of the two middle values of an even count', () => {
      expect(median([4, 1, 3, 10])).toBe(3.5);
    });

    it('is NaN for no values', () => {
      expect(median([])).toBeNaN();
    });

    it('leaves its input in its order', () => {
      const values = [3, 1, 2];
      median(values);
      expect(values).toEqual([3, 1, 2]);
    });
  });

  describe('pairedRatios', () => {
    it('divides within each round, then takes the median and the range of those ratios', () => {
      const rounds = [
        { gateway: 20, raw: 10 },
        { gateway: 30, raw: 10 },
        { gateway: 45, raw: 30 },
      ];
      expect(pairedRatios(rounds, 'gateway', 'raw')).toEqual({ median: 2, min: 1.5, max: 3, rounds: 3 });
    });

    it('is not the ratio of the medians: each round is compared with itself', () => {
      // Medians 30 and 20 would give 1.5; within each round the gateway is 1.2× to 2.5×.
      const rounds = [
        { gateway: 12, raw: 10 },
        { gateway: 30, raw: 20 },
        { gateway: 50, raw: 20 },
      ];
      expect(pairedRatios(rounds, 'gateway', 'raw')?.median).toBe(1.5);
      expect(pairedRatios(rounds, 'gateway', 'raw')).toMatchObject({ min: 1.2, max: 2.5 });
    });

    it('skips rounds that miss either system or have a zero reference', () => {
      const rounds = [{ gateway: 20, raw: 10 }, { gateway: 20 }, { raw: 10 }, { gateway: 5, raw: 0 }];
      expect(pairedRatios(rounds, 'gateway', 'raw')).toEqual({ median: 2, min: 2, max: 2, rounds: 1 });
    });

    it('is null when no round measured both', () => {
      expect(pairedRatios([{ gateway: 20 }, { raw: 10 }], 'gateway', 'raw')).toBeNull();
    });
  });
});
