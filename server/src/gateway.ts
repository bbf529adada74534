import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router, type Express } from 'express';
import { createRestAuth } from './auth/rest-auth';
import { useSocketAuth } from './auth/socket-auth';
import { createTokenVerifier } from './auth/token-verifier';
import { Broadcaster } from './broadcast/broadcaster';
import type { GatewayConfig } from './config/config';
import { HealthRegistry } from './health/health-registry';
import { createApp } from './http/app';
import { mountMeRoute } from './http/routes/me-route';
import { mountRoomsRoute } from './http/routes/rooms-route';
import { mountAlertRoutes } from './http/routes/alert-routes';
import { mountAlertRulesRoutes } from './http/routes/alert-rules-routes';
import { mountTelemetryRoutes } from './http/routes/telemetry-routes';
import { AlertService } from './alerts/alert-service';
import { AqiService } from './aqi/aqi-service';
import { SpcService } from './spc/spc-service';
import { mountLocationRoutes } from './http/routes/location-routes';
import { mountSpcRoutes } from './http/routes/spc-routes';
import { mountDashboardRoute } from './http/dashboard-route';
import { StoredLatestEvents } from './broadcast/stored-latest-events';
import { STORE_DEFAULTS } from './store/kysely-store';
import { openStore } from './store/open-store';
import type { Store } from './store/store';
import { startPruning } from './store/retention';
import { createOriginPolicy } from './http/origin-policy';
import { IngestRouter } from './ingest/ingest-router';
import { DeadLetters } from './ingest/dead-letters';
import { mountDeadLettersRoute } from './ingest/dead-letters-route';
import { IngestPipeline } from './ingest/ingest-pipeline';
import { compileRoutes } from './ingest/routes';
import { silentLogger, type Logger } from './logging/logger';
import { MqttIngest } from './mqtt/mqtt-ingest';
import { createConnectionHandler } from './realtime/connection-handlers';
import { releaseHandshake } from './realtime/release-handshake';
import { compactListenerTables } from './realtime/compact-listener-tables';
import { createSocketServer } from './realtime/socket-server';
import type { GatewayServer } from './realtime/types';

export interface GatewayOptions {
  logger?: Logger;
  /** A store opened by the caller (tests share one); by default the gateway opens its own from the config. */
  store?: Store;
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
  readonly store: Store;
  readonly alerts: AlertService;
  readonly spc: SpcService;
  readonly aqi: AqiService;
  /**
   * Starts the embedded broker (when MQTT_URL is unset), listens on the configured host and
   * port, and begins connecting to the broker; resolves with the HTTP port actually bound.
   */
  start(): Promise<{ port: number }>;
  /** Stops accepting, closes the broker connection and every socket; idempotent. */
  stop(): Promise<void>;
}

/**
 * The composition root: opens the store (running its migrations), then builds every part
 * from the config and wires them together. Nothing listens until `start()`.
 */
export async function createGateway(config: GatewayConfig, options: GatewayOptions = {}): Promise<Gateway> {
  const logger = options.logger ?? silentLogger();
  const store =
    options.store ??
    (await openStore({
      databaseUrl: config.store.databaseUrl,
      dataDir: config.store.dataDir,
      logger,
      batchSize: config.store.batchSize,
      flushIntervalMs: config.store.flushIntervalMs,
      maxPending: config.store.maxPending,
    }));
  const originPolicy = createOriginPolicy(config.http);
  const verifyToken = createTokenVerifier(config.auth);
  const requireRole = createRestAuth(config.auth);
  const routes = compileRoutes(config.mqtt.routes);
  const deadLetters = new DeadLetters(config.ingest.deadLetterCapacity, logger);

  let io: GatewayServer | null = null;
  const health = new HealthRegistry(config.version, () => io?.engine.clientsCount ?? 0);
  const latest = new StoredLatestEvents(store);
  const api = Router();
  const app = createApp({ logger, health, originPolicy, api });
  const httpServer = createServer(app);
  io = createSocketServer(httpServer, config.socket, originPolicy);
  const server = io;
  const broadcaster = new Broadcaster(server, latest, config.broadcast);
  const alerts = new AlertService(store, broadcaster, logger);
  const aqi = new AqiService({
    store,
    broadcaster,
    logger,
    occupied: (room) => (server.sockets.adapter.rooms.get(room)?.size ?? 0) > 0,
    refreshIntervalMs: config.aqi.refreshIntervalMs,
  });
  const spc = new SpcService({
    store,
    broadcaster,
    logger,
    baselineSamples: config.spc.baselineSamples,
    maxPending: config.store.maxPending,
    // Retried as the store retries its own failed batches.
    retry: STORE_DEFAULTS.retry,
  });
  const sink = new IngestRouter({ broadcaster, store, alerts, spc, aqi });
  for (const mount of [
    mountMeRoute(requireRole),
    mountRoomsRoute(requireRole, broadcaster),
    mountDeadLettersRoute(requireRole, deadLetters),
    mountTelemetryRoutes(requireRole, store),
    mountAlertRoutes(requireRole, store, alerts),
    mountAlertRulesRoutes(requireRole, alerts),
    mountLocationRoutes(requireRole, store),
    mountSpcRoutes(requireRole, spc),
    mountDashboardRoute(config.dashboard), // last: every API route wins over the dashboard's paths
  ]) {
    mount(api);
  }
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
  health.register('store', () => ({ ...store.health(), ...alerts.counters(), ...aqi.counters(), ...spc.counters() }));

  useSocketAuth(server, verifyToken);
  const handleConnection = createConnectionHandler({
    io: server,
    broadcaster,
    logger,
    limits: config.socket,
    store,
    alerts,
    spc,
  });
  server.on('connection', (socket) => {
    logger.debug('socket connected', { socketId: socket.id, sub: socket.data.user.sub });
    // Only the auth middleware, which has run, needs the handshake request and the client's auth payload.
    releaseHandshake(socket);
    handleConnection(socket);
    // Last: the connection's listeners are all in place, and it is idle from here on.
    compactListenerTables(socket);
  });

  let stopPruning: (() => void) | null = null;
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      logger.info('shutting down', { connections: server.engine.clientsCount });
      stopPruning?.();
      aqi.stop();
      await mqtt.stop();
      await Promise.all([alerts.drain(), aqi.drain(), spc.stop()]);
      broadcaster.flush();
      await new Promise<void>((resolve) => {
        void server.close(() => resolve());
        httpServer.closeIdleConnections();
      });
      if (options.store === undefined) await store.close();
      else await store.flush();
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
    const remembered = await latest.preload();
    await alerts.restore(config.alerts.rules);
    await aqi.restore();
    await spc.restore(config.spc.seed);
    aqi.start();
    logger.info('store ready', { backend: store.backend, latestEvents: remembered });
    stopPruning = startPruning(store, config.store, logger);
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

  return {
    config,
    io: server,
    app,
    httpServer,
    broadcaster,
    health,
    mqtt,
    ingest,
    store,
    alerts,
    spc,
    aqi,
    start,
    stop,
  };
}
