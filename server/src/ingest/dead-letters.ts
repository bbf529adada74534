import { REJECT_REASONS, type RejectReason } from './normalisers/types';
import type { Logger } from '../logging/logger';

export interface DeadLetter {
  /** Increases by one for every rejection since start-up. */
  seq: number;
  receivedAt: string;
  topic: string;
  reason: RejectReason;
  message: string;
  sizeBytes: number;
  /** The first bytes of the payload as UTF-8 (invalid bytes shown as U+FFFD). */
  preview: string;
}

export interface DeadLetterReport {
  capacity: number;
  total: number;
  byReason: Record<RejectReason, number>;
  /** Newest first. */
  items: DeadLetter[];
}

const PREVIEW_BYTES = 256;
const LOG_EVERY_MS = 10_000;

/**
 * Rejected MQTT messages: counted per reason, kept in a bounded ring buffer for
 * GET /ingest/dead-letters, and logged without flooding (the first of each reason,
 * then one summary line per reason per interval).
 */
export class DeadLetters {
  private readonly ring: DeadLetter[] = [];
  private next = 0;
  private seq = 0;
  private readonly counts = Object.fromEntries(REJECT_REASONS.map((reason) => [reason, 0])) as Record<
    RejectReason,
    number
  >;
  private readonly suppressed = new Map<RejectReason, { count: number; since: number }>();

  constructor(
    private readonly capacity: number,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  add(topic: string, payload: Buffer, reason: RejectReason, message: string): void {
    this.seq += 1;
    this.counts[reason] += 1;
    const letter: DeadLetter = {
      seq: this.seq,
      receivedAt: new Date(this.now()).toISOString(),
      topic: topic.slice(0, 512),
      reason,
      message: message.slice(0, 500),
      sizeBytes: payload.length,
      preview: payload.subarray(0, PREVIEW_BYTES).toString('utf8'),
    };
    if (this.ring.length < this.capacity) this.ring.push(letter);
    else this.ring[this.next] = letter;
    this.next = (this.next + 1) % this.capacity;
    this.log(letter);
  }

  private log(letter: DeadLetter): void {
    const now = this.now();
    const window = this.suppressed.get(letter.reason);
    if (window === undefined || now - window.since >= LOG_EVERY_MS) {
      const more = window?.count ?? 0;
      this.logger.warn('mqtt message rejected', {
        topic: letter.topic,
        reason: letter.reason,
        detail: letter.message,
        ...(more > 0 ? { alsoRejectedSinceLastLog: more } : {}),
      });
      this.suppressed.set(letter.reason, { count: 0, since: now });
      return;
    }
    window.count += 1;
  }

  count(reason: RejectReason): number {
    return this.counts[reason];
  }

  report(limit = this.capacity): DeadLetterReport {
    const ordered =
      this.ring.length < this.capacity
        ? [...this.ring]
        : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return {
      capacity: this.capacity,
      total: this.seq,
      byReason: { ...this.counts },
      items: ordered.reverse().slice(0, limit),
    };
  }
}
