import { join } from 'node:path';

/**
 * Every option's default, in one place. Environment variables override them
 * (see `env-schema.ts` for the variable names); nothing else reads the environment.
 */
export const DEFAULTS = {
  /**
   * The port the HTTP and Socket.IO server listens on (PORT, or HTTP_PORT).
   * @default 3000
   */
  port: 3000,
  /**
   * The interface to listen on.
   * @default "0.0.0.0"
   */
  host: '0.0.0.0',
  /**
   * The minimum level written to the log.
   * @default "info"
   */
  logLevel: 'info',
  /**
   * Milliseconds between Socket.IO heartbeats.
   * @default 25000
   */
  pingIntervalMs: 25_000,
  /**
   * How long a heartbeat may go unanswered before the connection is closed.
   * @default 20000
   */
  pingTimeoutMs: 20_000,
  /**
   * The largest message a client may send (Socket.IO's maxHttpBufferSize).
   * @default 16384
   */
  maxInboundBytes: 16_384,
  /**
   * Inbound events per second each socket may send on average.
   * @default 20
   */
  rateLimitPerSecond: 20,
  /**
   * Inbound events a socket may send in a burst above the average rate.
   * @default 50
   */
  rateLimitBurst: 50,
  /**
   * The most rooms one socket may be in.
   * @default 200
   */
  maxRoomsPerSocket: 200,
  /**
   * How long a graceful shutdown may take before the process exits anyway.
   * @default 10000
   */
  shutdownTimeoutMs: 10_000,
  /**
   * Lifetime of the operator token minted for the development URL.
   * @default "12h"
   */
  devTokenTtl: '12h',
  /**
   * The client id the gateway connects to the broker with; a stable id keeps its
   * persistent session (and the QoS 1 messages queued in it) across restarts.
   * @default "roomcast-gateway"
   */
  mqttClientId: 'roomcast-gateway',
  /**
   * The port of the embedded MQTT broker started when MQTT_URL is unset.
   * @default 1883
   */
  mqttEmbeddedPort: 1883,
  /**
   * The interface the embedded broker listens on; 0.0.0.0 accepts devices on the network.
   * @default "127.0.0.1"
   */
  mqttEmbeddedHost: '127.0.0.1',
  /**
   * The largest MQTT payload accepted; larger ones go to the dead-letter buffer.
   * @default 65536
   */
  mqttMaxPayloadBytes: 65_536,
  /**
   * Reconnect backoff to the broker: full jitter between 0 and min(max, min · 2^attempt).
   * @default 500
   */
  mqttReconnectMinMs: 500,
  /** @default 30000 */
  mqttReconnectMaxMs: 30_000,
  /**
   * Telemetry broadcasts into one room are at most one per interval (0 turns the throttle off).
   * @default 1000
   */
  broadcastMinIntervalMs: 1_000,
  /**
   * For connections that asked for batches: room events within this interval after a flush
   * began wait for its end and go out together; the first after a quiet interval goes at the end of
   * the current event-loop turn (0: every event does).
   * @default 5
   */
  broadcastBatchIntervalMs: 5,
  /**
   * Device timestamps further ahead of the gateway's clock than this are rejected.
   * @default 300000
   */
  ingestMaxFutureMs: 300_000,
  /**
   * How many rejected messages the dead-letter buffer keeps (the oldest go first).
   * @default 500
   */
  deadLetterCapacity: 500,
  /**
   * Where the SQLite database lives when DATABASE_URL is unset.
   * @default "./data"
   */
  dataDir: './data',
  /**
   * Days of telemetry history kept; older points are pruned.
   * @default 30
   */
  retentionDays: 30,
  /**
   * How often old telemetry is pruned.
   * @default 3600000
   */
  pruneIntervalMs: 3_600_000,
  /**
   * Telemetry rows written per transaction at most.
   * @default 500
   */
  storeBatchSize: 500,
  /**
   * How long telemetry waits in memory before its batch is written.
   * @default 100
   */
  storeFlushIntervalMs: 100,
  /**
   * Telemetry rows held in memory while the database is away; beyond this the oldest are dropped.
   * @default 100000
   */
  storeMaxPending: 100_000,
  /**
   * How often the latest AQI of every location with subscribers is broadcast again.
   * @default 300000
   */
  aqiRefreshIntervalMs: 300_000,
  /**
   * Samples in the phase-I baseline of a characteristic created without fixed limits.
   * @default 25
   */
  spcBaselineSamples: 25,
  /**
   * The built dashboard served at `/` (DASHBOARD_DIR): `server/dist/dashboard`, resolved from the server
   * package's root so it is the same folder whether this file runs from `src` (tsx, jest) or from `dist`.
   * @default "<server package>/dist/dashboard"
   */
  dashboardDir: join(__dirname, '../../dist/dashboard'),
} as const;
