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
import { silentLogger, type Logger } from './logging/logger';
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
  /** Listens on the configured host and port; resolves with the port actually bound. */
  start(): Promise<{ port: number }>;
  /** Stops accepting, closes every socket and waits for in-flight work; idempotent. */
  stop(): Promise<void>;
}

/** The composition root: builds every part from the config and wires them together. */
export function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Gateway {
  const logger = options.logger ?? silentLogger();
  const originPolicy = createOriginPolicy(config.http);
  const verifyToken = createTokenVerifier(config.auth);
  const requireRole = createRestAuth(config.auth);

  let io: GatewayServer | null = null;
  const health = new HealthRegistry(config.version, () => io?.engine.clientsCount ?? 0);
  const app = createApp({ logger, health, originPolicy, routes: [mountMeRoute(requireRole)] });
  const httpServer = createServer(app);
  io = createSocketServer(httpServer, config.socket, originPolicy);
  const server = io;
  const broadcaster = new Broadcaster(server, new MemoryLatestEvents());
  health.register('adapter', () => ({ status: 'up', type: 'memory' }));

  useSocketAuth(server, verifyToken);
  server.on('connection', (socket) => {
    logger.debug('socket connected', { socketId: socket.id, sub: socket.data.user.sub });
    handleConnection(socket, {
      io: server,
      broadcaster,
      logger,
      limits: config.socket,
    });
  });

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      logger.info('shutting down', { connections: server.engine.clientsCount });
      void server.close(() => resolve());
      httpServer.closeIdleConnections();
    });
    return stopping;
  };

  const start = (): Promise<{ port: number }> =>
    new Promise((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.http.port, config.http.host, () => {
        httpServer.off('error', reject);
        const { port } = httpServer.address() as AddressInfo;
        logger.info('gateway listening', { host: config.http.host, port, env: config.env, version: config.version });
        resolve({ port });
      });
    });

  return { config, io: server, app, httpServer, broadcaster, health, start, stop };
}
