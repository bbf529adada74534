import { backoffDelay } from '@roomcast/shared';

export interface ReconnectDelays {
  minDelayMs: number;
  maxDelayMs: number;
}

/**
 * When to try the next connection: capped exponential backoff with full jitter
 * (`backoffDelay`), so clients dropped together by a restart come back spread out.
 * One timer at most; the attempt count starts again after a successful connection.
 * `random` is injectable so tests can pin the jitter.
 */
export class ReconnectScheduler {
  private attempts = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly delays: ReconnectDelays,
    private readonly random: () => number = Math.random,
  ) {}

  /** Failed attempts since the last successful connection. */
  get attempt(): number {
    return this.attempts;
  }

  get pending(): boolean {
    return this.timer !== null;
  }

  /** Runs `attempt` after the next delay (replacing any scheduled one); returns the delay, ms. */
  schedule(attempt: () => void): number {
    this.cancel();
    const delay = backoffDelay(
      this.attempts,
      { baseMs: this.delays.minDelayMs, maxMs: this.delays.maxDelayMs },
      this.random,
    );
    this.attempts += 1;
    this.timer = setTimeout(() => {
      this.timer = null;
      attempt();
    }, delay);
    return delay;
  }

  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** After a successful connection: the next loss starts from the shortest delay again. */
  reset(): void {
    this.cancel();
    this.attempts = 0;
  }
}
