import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { createRestAuth } from './auth/rest-auth';
import { useSocketAuth } from './auth/socket-auth';
import { createTokenVerifier } from './auth/token-verifier';
import { Broadcaster } from './broadcast/broadcaster';
import { MemoryLatestEvents } from './broadcast/latest-events';
import type { GatewayConfig } from './config/config';
import { HealthRegistry } from './health/health-registry';
import { createApp } from './http/app';
import { mountMeRoute } from './http/me-route';
import { createOriginPolicy } from './http/origin-policy';
import { BroadcastSink } from './ingest/broadcast-sink';
import { DeadLetters } from './ingest/dead-letters';
import { mountDeadLettersRoute } from './ingest/dead-letters-route';
import { IngestPipeline } from './ingest/ingest-pipeline';
import { compileRoutes } from './ingest/routes';
import { silentLogger, type Logger } from './logging/logger';
import { MqttIngest } from './mqtt/mqtt-ingest';
import { handleConnection } from './realtime/connection-handlers';
import { createSocketServer } from './realtime/socket-server';
import type { GatewayServer } from './realtime/types';

export interface GatewayOptions {
  logger?: Logger;
}

export interface Gateway {
  readonly config: GatewayConfig;
  readonly io: GatewayServer;
  readonly app: Express;
  readonly httpServer: HttpServer;
  readonly broadcaster: Broadcaster;
  readonly health: HealthRegistry;
  readonly mqtt: MqttIngest;
  readonly ingest: IngestPipeline;
  /**
   * Starts the embedded broker (when MQTT_URL is unset), listens on the configured host and
   * port, and begins connecting to the broker; resolves with the HTTP port actually bound.
   */
  start(): Promise<{ port: number }>;
  /** Stops accepting, closes the broker connection and every socket; idempotent. */
  stop(): Promise<void>;
}

/** The composition root: builds every part from the config and wires them together. */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? silentLogger();
  const originPolicy = createOriginPolicy(config.http);
  const verifyToken = createTokenVerifier(config.auth);
  const requireRole = createRestAuth(config.auth);
  const routes = compileRoutes(config.mqtt.routes);
  const deadLetters = new DeadLetters(config.ingest.deadLetterCapacity, logger);

  let io: GatewayServer | null = null;
  const health = new HealthRegistry(config.version, () => io?.engine.clientsCount ?? 0);
  const app = createApp({
    logger,
    health,
    originPolicy,
    routes: [mountMeRoute(requireRole), mountDeadLettersRoute(requireRole, deadLetters)],
  });
  const httpServer = createServer(app);
  io = createSocketServer(httpServer, config.socket, originPolicy);
  const server = io;
  const broadcaster = new Broadcaster(server, new MemoryLatestEvents(), config.broadcast.minIntervalMs);
  const sink = new BroadcastSink(broadcaster, null);
  const ingest = new IngestPipeline({
    routes,
    deadLetters,
    sink,
    logger,
    maxPayloadBytes: config.ingest.maxPayloadBytes,
    maxFutureMs: config.ingest.maxFutureMs,
  });
  const mqtt = new MqttIngest({ config: config.mqtt, filters: routes.subscriptionFilters(), pipeline: ingest, logger });
  health.register('adapter', () => ({ status: 'up', type: 'memory' }));
  health.register('mqtt', () => mqtt.health());

  useSocketAuth(server, verifyToken);
  server.on('connection', (socket) => {
    logger.debug('socket connected', { socketId: socket.id, sub: socket.data.user.sub });
    handleConnection(socket, { io: server, broadcaster, logger, limits: config.socket });
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down', { connections: server.engine.clientsCount });
      await mqtt.stop();
      broadcaster.flush();
      await new Promise<void>((resolve) => {
        void server.close(() => resolve());
        httpServer.closeIdleConnections();
      });
    })();
    return stopping;
  };

  const listen = (): Promise<{ port: number }> =>
    new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.http.port, config.http.host, () => {
        httpServer.off('error', reject);
        resolve({ port: (httpServer.address() as AddressInfo).port });
      });
    });

  const start = async (): Promise<{ port: number }> => {
    await mqtt.start();
    let port: number;
    try {
      ({ port } = await listen());
    } catch (error) {
      await mqtt.stop();
      throw error;
    }
    mqtt.whenConnected().catch(() => undefined);
    logger.info('gateway listening', { host: config.http.host, port, env: config.env, version: config.version });
    return { port };
  };

  return { config, io: server, app, httpServer, broadcaster, health, mqtt, ingest, start, stop };
}
