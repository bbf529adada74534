import { backoffDelay, retryDelay } from '@roomcast/shared';

describe('backoffDelay: capped exponential backoff with full jitter', () => {
  const options = { baseMs: 100, maxMs: 5000 };

  it('draws from [0, base · 2^attempt)', () => {
    expect(backoffDelay(0, options, () => 0.999)).toBe(99);
    expect(backoffDelay(3, options, () => 0.5)).toBe(400);
    expect(backoffDelay(3, options, () => 0)).toBe(0);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(backoffDelay(10, options, () => 0.999)).toBe(4995);
    expect(backoffDelay(1_000_000, options, () => 0.999)).toBe(4995);
  });

  it('treats negative or fractional attempts as whole attempts from zero', () => {
    expect(backoffDelay(-4, options, () => 0.5)).toBe(50);
    expect(backoffDelay(1.9, options, () => 0.5)).toBe(100);
  });

  it('spreads clients out: delays for one attempt differ with the random draw', () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, options)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(3200);
    }
  });
});

describe('retryDelay: full jitter above a floor', () => {
  const window = { minMs: 200, maxMs: 10_000 };

  it('never comes sooner than the floor, and its jitter doubles from the floor with each attempt', () => {
    expect(retryDelay(0, window, () => 0)).toBe(200);
    expect(retryDelay(0, window, () => 0.999)).toBe(399);
    expect(retryDelay(2, window, () => 0.5)).toBe(600);
  });

  it('never comes later than the ceiling', () => {
    expect(retryDelay(100, window, () => 0.999)).toBe(9990);
    expect(retryDelay(100, { minMs: 500, maxMs: 100 }, () => 0.999)).toBe(500);
  });
});
