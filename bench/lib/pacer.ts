import { monotonicMs } from './telemetry';

/** Timer period; short enough that 10 msg/s and 20 000 msg/s are both paced evenly. */
const TICK_MS = 5;
/** After a stall, at most this much of the schedule is caught up, so a pause never becomes a burst. */
const MAX_CATCH_UP_MS = 50;

/**
 * Sends messages at a fixed rate: on every tick, as many as the schedule says are due
 * since the rate was set. Used by the MQTT publisher and by the raw ws server, so
 * both systems are offered load the same way.
 */
export class Pacer {
  private rate = 0;
  private startedAt = 0;
  private sentAtRate = 0;
  private sentTotal = 0;
  private laggingTicks = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly send: (seq: number) => void) {}

  setRate(rate: number): void {
    this.rate = Math.max(0, rate);
    this.startedAt = monotonicMs();
    this.sentAtRate = 0;
    if (this.rate > 0 && this.timer === null) this.timer = setInterval(() => this.tick(), TICK_MS);
    if (this.rate === 0 && this.timer !== null) {
      clearInterval(this.timer);
      this.timer = null;
    }
  }

  get sent(): number {
    return this.sentTotal;
  }

  get lagging(): number {
    return this.laggingTicks;
  }

  stop(): void {
    this.setRate(0);
  }

  private tick(): void {
    const elapsed = monotonicMs() - this.startedAt;
    let due = Math.floor((elapsed * this.rate) / 1000) - this.sentAtRate;
    const cap = Math.ceil((MAX_CATCH_UP_MS * this.rate) / 1000);
    if (due > cap) {
      // The process could not keep the schedule: skip what is overdue rather than burst.
      this.laggingTicks += 1;
      this.sentAtRate += due - cap;
      due = cap;
    }
    for (let i = 0; i < due; i += 1) {
      this.send(this.sentTotal);
      this.sentTotal += 1;
      this.sentAtRate += 1;
    }
  }
}
