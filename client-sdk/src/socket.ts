import { io, type Socket } from 'socket.io-client';
import { BATCH_AUTH_FIELD, type ClientToServerEvents, type ServerToClientEvents } from '@roomcast/shared';
import type { Transport } from './types';

export type RoomcastSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Called by Socket.IO before each handshake; answers with the `auth` payload to send. */
export type Authenticate = (send: (auth: { token: string }) => void) => void;

/**
 * The one place Socket.IO's options are chosen. `reconnection: false`: the SDK schedules
 * reconnects itself (backoff with full jitter, token refresh, no retry after a refused
 * fixed token). `auth` is a function so the token is read again for every attempt.
 * `forceNew`: two clients to one URL must not share a Manager (and so a handshake).
 * The handshake asks for batches: the registry unpacks them, so subscribers see single events.
 */
export function createSocket(url: string, transports: Transport[], authenticate: Authenticate): RoomcastSocket {
  return io(url, {
    autoConnect: false,
    reconnection: false,
    forceNew: true,
    transports,
    // Without it a blocked WebSocket fails the attempt instead of falling back to polling.
    tryAllTransports: true,
    auth: (send: (data: object) => void) => authenticate((auth) => send({ ...auth, [BATCH_AUTH_FIELD]: true })),
  });
}
