import { EventEmitter } from 'node:events';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { backoffDelay } from '@roomcast/shared';
import type { Logger } from '../logging/logger';

export type BrokerState = 'connecting' | 'connected' | 'reconnecting' | 'down' | 'closed';

/** After this many failed attempts in a row, the broker counts as down rather than reconnecting. */
const DOWN_AFTER_FAILED_ATTEMPTS = 3;

export interface BrokerConnectionOptions {
  url: string;
  clientId: string;
  username: string | null;
  password: string | null;
  /** Topic filters to subscribe to at QoS 1 on every (re)connection. */
  filters: readonly string[];
  reconnect: { minMs: number; maxMs: number };
  logger: Logger;
  /** Called for every message; the broker gets its PUBACK once this returns. */
  onMessage: (topic: string, payload: Buffer) => void;
}

export interface BrokerStatus {
  state: BrokerState;
  url: string;
  clientId: string;
  /** Consecutive failed connection attempts since the last success. */
  failedAttempts: number;
  lastError: string | null;
}

/** The URL as it may be logged: credentials removed. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '[unparseable url]';
  }
}

/**
 * The gateway's MQTT client: QoS 1 subscriptions in a persistent session (clean: false
 * with a stable client id) so messages published while the gateway is away are delivered
 * when it returns, and reconnects with capped exponential backoff and full jitter
 * (mqtt.js itself retries at a fixed period, so its own reconnect is turned off).
 */
export class BrokerConnection extends EventEmitter<{ state: [BrokerState] }> {
  private client: MqttClient | null = null;
  private state: BrokerState = 'connecting';
  private failedAttempts = 0;
  private lastError: string | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private closing = false;

  constructor(private readonly options: BrokerConnectionOptions) {
    super();
  }

  status(): BrokerStatus {
    return {
      state: this.state,
      url: redactUrl(this.options.url),
      clientId: this.options.clientId,
      failedAttempts: this.failedAttempts,
      lastError: this.lastError,
    };
  }

  /** Starts connecting; resolves at the first successful connection. */
  start(): Promise<void> {
    const { options } = this;
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
      resubscribe: false,
      connectTimeout: 10_000,
      keepalive: 30,
      ...(options.username !== null ? { username: options.username } : {}),
      ...(options.password !== null ? { password: options.password } : {}),
    };
    const client = mqtt.connect(options.url, clientOptions);
    this.client = client;

    // mqtt.js sends PUBACK when this callback runs, so a message is acknowledged only once handled.
    client.handleMessage = (packet, done) => {
      try {
        options.onMessage(packet.topic, packet.payload as Buffer);
      } finally {
        done();
      }
    };

    client.on('connect', (connack) => {
      this.failedAttempts = 0;
      this.lastError = null;
      this.setState('connected');
      options.logger.info('mqtt connected', {
        url: redactUrl(options.url),
        clientId: options.clientId,
        sessionPresent: connack.sessionPresent,
      });
      // Subscribing again is idempotent on the broker and covers a session it did not keep.
      const filters = Object.fromEntries(options.filters.map((filter) => [filter, { qos: 1 as const }]));
      client.subscribe(filters, (error, granted) => {
        if (error) {
          options.logger.error('mqtt subscribe failed', { error });
          return;
        }
        const refused = (granted ?? []).filter((grant) => grant.qos === 128);
        if (refused.length > 0) {
          options.logger.error('mqtt broker refused subscriptions', { filters: refused.map((grant) => grant.topic) });
        }
      });
    });
    client.on('error', (error) => {
      this.lastError = error.message;
      options.logger.warn('mqtt error', { url: redactUrl(options.url), error: error.message });
    });
    client.on('close', () => this.scheduleReconnect());

    return new Promise((resolve) => {
      if (this.state === 'connected') resolve();
      else client.once('connect', () => resolve());
    });
  }

  private scheduleReconnect(): void {
    if (this.closing || this.retryTimer !== null) return;
    const wasConnected = this.state === 'connected';
    if (!wasConnected) this.failedAttempts += 1;
    this.setState(this.failedAttempts >= DOWN_AFTER_FAILED_ATTEMPTS ? 'down' : 'reconnecting');
    const delay = backoffDelay(this.failedAttempts, {
      baseMs: this.options.reconnect.minMs,
      maxMs: this.options.reconnect.maxMs,
    });
    if (wasConnected) this.options.logger.warn('mqtt connection lost, reconnecting', { delayMs: delay });
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.closing) this.client?.reconnect();
    }, delay);
  }

  private setState(state: BrokerState): void {
    if (this.state === state) return;
    this.state = state;
    this.emit('state', state);
  }

  /** Disconnects cleanly; the broker keeps the session (and queues QoS 1 messages) for the next start. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.setState('closed');
    if (client !== null) await client.endAsync(!client.connected);
  }
}
