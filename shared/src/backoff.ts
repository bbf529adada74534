export interface BackoffOptions {
  /** The first delay's upper bound, ms. */
  baseMs: number;
  /** The largest upper bound, ms. */
  maxMs: number;
}

/**
 * Capped exponential backoff with full jitter: a delay drawn uniformly from
 * [0, min(maxMs, baseMs · 2^attempt)]. Jitter spreads reconnects out so that
 * every client does not return at the same instant after a restart.
 * `attempt` counts from 0; `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

export interface RetryWindow {
  /** No retry comes sooner than this, ms. */
  minMs: number;
  /** No retry comes later than this, ms. */
  maxMs: number;
}

/**
 * The wait before retry `attempt` (from 0) of a failed write: full jitter above a floor, so
 * never sooner than `minMs` and never later than `maxMs`, the jitter's ceiling doubling from
 * `minMs` with each attempt.
 */
export function retryDelay(attempt: number, window: RetryWindow, random: () => number = Math.random): number {
  return (
    window.minMs +
    backoffDelay(attempt, { baseMs: window.minMs, maxMs: Math.max(0, window.maxMs - window.minMs) }, random)
  );
}
