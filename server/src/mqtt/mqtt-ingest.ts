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
 * The MQTT side of the gateway: the embedded broker when no MQTT_URL is set, its messages
 * taken in-process; otherwise the connection to MQTT_URL. Either way every message goes
 * into the ingest pipeline.
 */
export class MqttIngest {
  private broker: EmbeddedBroker | null = null;
  private connection: BrokerConnection | null = null;
  private connected: Promise<void> | null = null;

  constructor(private readonly options: MqttIngestOptions) {}

  /**
   * Starts the embedded broker and takes its messages in-process, or begins connecting to
   * MQTT_URL; does not wait for that connection.
   */
  async start(): Promise<void> {
    const { config, logger, pipeline } = this.options;
    const onMessage = (topic: string, payload: Buffer): void => pipeline.handle(topic, payload);
    if (config.url === null) {
      const credentials =
        config.username !== null && config.password !== null
          ? { username: config.username, password: config.password }
          : null;
      const broker = await startEmbeddedBroker({
        ...config.embedded,
        credentials,
        onRefusedPublish: (topic, payload, message) => pipeline.refuse(topic, payload, message),
      });
      this.broker = broker;
      // The broker is in this process: the pipeline subscribes to it directly, not through a client.
      await Promise.all(this.options.filters.map((filter) => broker.subscribe(filter, onMessage)));
      this.connected = Promise.resolve();
      logger.info('embedded mqtt broker listening', {
        url: broker.url,
        host: config.embedded.host,
        authenticated: credentials !== null,
      });
      return;
    }
    this.connection = new BrokerConnection({
      url: config.url,
      clientId: config.clientId,
      username: config.username,
      password: config.password,
      filters: this.options.filters.map((filter) => subscriptionFilter(filter, config.sharedGroup)),
      reconnect: config.reconnect,
      logger,
      onMessage,
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
    if (this.broker !== null) {
      // Subscribed in-process: connected for as long as the broker runs.
      return {
        status: 'up',
        state: 'connected',
        url: this.broker.url,
        embedded: true,
        failedAttempts: 0,
        lastError: null,
        ingest: this.options.pipeline.counters(),
      };
    }
    const status = this.connection?.status();
    if (status === undefined) return { status: 'down', state: 'not started' };
    return {
      status: HEALTH[status.state],
      state: status.state,
      url: status.url,
      clientId: status.clientId,
      embedded: false,
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
