import type { ComponentHealth } from '../health/health-registry';
import type { IngestPipeline } from '../ingest/ingest-pipeline';
import type { Logger } from '../logging/logger';
import type { MqttConfig } from '../config/config';
import { BrokerConnection, type BrokerState } from './broker-connection';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded-broker';

const HEALTH: Record<BrokerState, ComponentHealth['status']> = {
  connecting: 'degraded',
  connected: 'up',
  reconnecting: 'degraded',
  down: 'down',
  closed: 'down',
};

/** `$share/<group>/<filter>` when instances split the stream, the plain filter otherwise. */
export function subscriptionFilter(filter: string, sharedGroup: string | null): string {
  return sharedGroup === null ? filter : `$share/${sharedGroup}/${filter}`;
}

export interface MqttIngestOptions {
  config: MqttConfig;
  filters: readonly string[];
  pipeline: IngestPipeline;
  logger: Logger;
}

/**
 * The MQTT side of the gateway: the embedded broker when no MQTT_URL is set, and the
 * connection that feeds every message into the ingest pipeline.
 */
export class MqttIngest {
  private broker: EmbeddedBroker | null = null;
  private connection: BrokerConnection | null = null;
  private connected: Promise<void> | null = null;

  constructor(private readonly options: MqttIngestOptions) {}

  /** Starts the embedded broker (if any) and begins connecting; does not wait for the connection. */
  async start(): Promise<void> {
    const { config, logger } = this.options;
    let url = config.url;
    if (url === null) {
      const credentials =
        config.username !== null && config.password !== null
          ? { username: config.username, password: config.password }
          : null;
      this.broker = await startEmbeddedBroker({
        ...config.embedded,
        credentials,
        onRefusedPublish: (topic, payload, message) => this.options.pipeline.refuse(topic, payload, message),
      });
      url = this.broker.url;
      logger.info('embedded mqtt broker listening', {
        url,
        host: config.embedded.host,
        authenticated: credentials !== null,
      });
    }
    this.connection = new BrokerConnection({
      url,
      clientId: config.clientId,
      username: config.username,
      password: config.password,
      filters: this.options.filters.map((filter) => subscriptionFilter(filter, config.sharedGroup)),
      reconnect: config.reconnect,
      logger,
      onMessage: (topic, payload) => this.options.pipeline.handle(topic, payload),
    });
    this.connected = this.connection.start();
  }

  /** Resolves once connected to the broker (for start-up scripts and tests). */
  whenConnected(): Promise<void> {
    return this.connected ?? Promise.reject(new Error('mqtt ingest not started'));
  }

  /** The embedded broker's URL, when it runs. */
  get embeddedUrl(): string | null {
    return this.broker?.url ?? null;
  }

  health(): ComponentHealth {
    const status = this.connection?.status();
    if (status === undefined) return { status: 'down', state: 'not started' };
    return {
      status: HEALTH[status.state],
      state: status.state,
      url: status.url,
      clientId: status.clientId,
      embedded: this.broker !== null,
      failedAttempts: status.failedAttempts,
      lastError: status.lastError,
      ingest: this.options.pipeline.counters(),
    };
  }

  async stop(): Promise<void> {
    await this.connection?.close();
    await this.broker?.close();
  }
}
