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
   * Seconds between Socket.IO heartbeats.
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
} as const;
