import { ReconnectScheduler } from '../../client-sdk/src/reconnect';

/** The reconnect schedule, on fake timers with the jitter pinned by an injected random. */
describe('ReconnectScheduler', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  const delays = { minDelayMs: 500, maxDelayMs: 20_000 };

  it('draws each delay from [0, min(max, min·2^attempt)): capped exponential with full jitter', () => {
    const scheduler = new ReconnectScheduler(delays, () => 0.999_999);
    const drawn = Array.from({ length: 9 }, () => scheduler.schedule(() => undefined));
    expect(drawn).toEqual([499, 999, 1999, 3999, 7999, 15_999, 19_999, 19_999, 19_999]);
    scheduler.cancel();
  });

  it('spreads clients out: the delay scales with the random draw', () => {
    const low = new ReconnectScheduler(delays, () => 0);
    const mid = new ReconnectScheduler(delays, () => 0.5);
    expect(low.schedule(() => undefined)).toBe(0);
    expect(mid.schedule(() => undefined)).toBe(250);
    low.cancel();
    mid.cancel();
  });

  it('runs the attempt once, after exactly the drawn delay', () => {
    const scheduler = new ReconnectScheduler(delays, () => 0.5);
    const attempt = jest.fn();
    expect(scheduler.schedule(attempt)).toBe(250);
    expect(scheduler.pending).toBe(true);
    jest.advanceTimersByTime(249);
    expect(attempt).not.toHaveBeenCalled();
    jest.advanceTimersByTime(1);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(scheduler.pending).toBe(false);
    jest.advanceTimersByTime(60_000);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('keeps one timer: scheduling again replaces the pending attempt', () => {
    const scheduler = new ReconnectScheduler(delays, () => 0.5);
    const first = jest.fn();
    const second = jest.fn();
    scheduler.schedule(first);
    scheduler.schedule(second);
    jest.runAllTimers();
    expect(first).not.toHaveBeenCalled();
    expect(second).toHaveBeenCalledTimes(1);
    expect(scheduler.attempt).toBe(2);
  });

  it('cancel() drops the pending attempt; reset() also starts the delays from the shortest again', () => {
    const scheduler = new ReconnectScheduler(delays, () => 0.999_999);
    const attempt = jest.fn();
    scheduler.schedule(attempt);
    scheduler.schedule(attempt);
    scheduler.cancel();
    jest.runAllTimers();
    expect(attempt).not.toHaveBeenCalled();
    expect(scheduler.attempt).toBe(2);
    expect(scheduler.schedule(attempt)).toBe(1999);
    scheduler.reset();
    expect(scheduler.pending).toBe(false);
    expect(scheduler.attempt).toBe(0);
    expect(scheduler.schedule(attempt)).toBe(499);
    scheduler.cancel();
  });
});
