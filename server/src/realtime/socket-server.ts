import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import type { GatewayConfig } from '../config/config';
import type { OriginPolicy } from '../http/origin-policy';
import { releaseUpgradeRequests } from './release-handshake';
import type { GatewayServer } from './types';

/** Socket.IO with the gateway's transport settings and origin policy. */
export function createSocketServer(
  httpServer: HttpServer,
  config: GatewayConfig['socket'],
  originPolicy: OriginPolicy,
): GatewayServer {
  const io: GatewayServer = new Server(httpServer, {
    transports: ['websocket', 'polling'],
    perMessageDeflate: false,
    httpCompression: true,
    pingInterval: config.pingIntervalMs,
    pingTimeout: config.pingTimeoutMs,
    maxHttpBufferSize: config.maxInboundBytes,
    serveClient: false,
    // Browsers send Origin on the websocket upgrade too, where CORS does not apply.
    allowRequest: (request, callback) => {
      const allowed = originPolicy(request.headers.origin, request.headers.host);
      callback(allowed ? null : 'origin not allowed', allowed);
    },
    cors: {
      origin: (origin, callback) => callback(null, originPolicy(origin, undefined) ? (origin ?? false) : false),
      credentials: false,
    },
  });
  releaseUpgradeRequests(io);
  return io;
}
