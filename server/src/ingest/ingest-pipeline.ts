import type { Logger } from '../logging/logger';
import type { DeadLetters } from './dead-letters';
import type { IngestEvent, Normaliser } from './normalisers/types';

export interface TopicMatcher {
  match(topic: string): {
    route: { normaliser: string };
    normaliser: Normaliser;
    params: Readonly<Record<string, string>>;
  } | null;
}

/** Where a message came from: its topic and the device family (the normaliser's name). */
export interface MessageSource {
  topic: string;
  family: string;
}

/** Where accepted events go: history, alert rules, engines and rooms. */
export interface IngestSink {
  deliver(event: IngestEvent, source: MessageSource): void;
  /** What the sink counts on its own (out-of-order messages, say). */
  counters?(): Record<string, number>;
}

export interface IngestPipelineOptions {
  routes: TopicMatcher;
  deadLetters: DeadLetters;
  sink: IngestSink;
  logger: Logger;
  maxPayloadBytes: number;
  /** Device timestamps later than receipt plus this are rejected as `timestamp_in_future`. */
  maxFutureMs: number;
  now?: () => number;
}

export interface IngestStats {
  received: number;
  accepted: number;
  rejected: number;
  [sinkCounter: string]: number;
}

function timestampOf(event: IngestEvent): string {
  switch (event.kind) {
    case 'spc_sample':
      return event.sample.timestamp;
    case 'aqi_reading':
      return event.reading.timestamp;
    default:
      return event.payload.timestamp;
  }
}

/**
 * One MQTT message in: size check, route, normalise, timestamp check, deliver.
 * It never throws: every failure becomes a counted dead letter, so no payload a
 * device sends can crash or stall the pipeline.
 */
export class IngestPipeline {
  private readonly stats: IngestStats = { received: 0, accepted: 0, rejected: 0 };
  private readonly now: () => number;

  constructor(private readonly options: IngestPipelineOptions) {
    this.now = options.now ?? Date.now;
  }

  handle(topic: string, payload: Buffer): void {
    this.stats.received += 1;
    const { deadLetters } = this.options;
    const reject: DeadLetters['add'] = (...args) => {
      this.stats.rejected += 1;
      deadLetters.add(...args);
    };
    try {
      if (payload.length > this.options.maxPayloadBytes) {
        reject(
          topic,
          payload,
          'payload_too_large',
          `payload of ${payload.length} bytes exceeds MQTT_MAX_PAYLOAD_BYTES (${this.options.maxPayloadBytes})`,
        );
        return;
      }
      const route = this.options.routes.match(topic);
      if (route === null) {
        reject(topic, payload, 'unknown_topic', 'no route matches this topic');
        return;
      }
      const receivedAt = this.now();
      const result = route.normaliser.normalise({ params: route.params, payload, receivedAt: new Date(receivedAt) });
      if (!result.ok) {
        reject(topic, payload, result.reason, result.message);
        return;
      }
      const at = Date.parse(timestampOf(result.event));
      if (at - receivedAt > this.options.maxFutureMs) {
        reject(
          topic,
          payload,
          'timestamp_in_future',
          `timestamp ${timestampOf(result.event)} is more than ${this.options.maxFutureMs} ms ahead of the gateway clock`,
        );
        return;
      }
      this.options.sink.deliver(result.event, { topic, family: route.route.normaliser });
      this.stats.accepted += 1;
    } catch (error) {
      this.options.logger.error('ingest failed', { topic, error });
      reject(topic, payload, 'processing_failed', (error as Error).message ?? 'unknown error');
    }
  }

  /** A message the broker refused before it reached a route: counted and kept like any rejection. */
  refuse(topic: string, payload: Buffer, message: string): void {
    this.stats.received += 1;
    this.stats.rejected += 1;
    this.options.deadLetters.add(topic, payload, 'unknown_topic', message);
  }

  counters(): IngestStats {
    return { ...this.options.sink.counters?.(), ...this.stats };
  }
}
