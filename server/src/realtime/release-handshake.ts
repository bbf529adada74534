import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayServer, GatewaySocket } from './types';

type Handshake = GatewaySocket['handshake'];

/**
 * A connection is held open for hours, while its handshake matters for a few milliseconds.
 * Engine.IO and Socket.IO keep the handshake's HTTP request (headers, raw headers, URL, stream
 * state) and the client's `auth` payload for the connection's whole life; nothing in the
 * gateway reads them after the auth middleware has run, so they are released here: about
 * 1.4 KB less heap per idle connection, and the token no longer sits on every socket.
 */

/**
 * What Engine.IO passes upgrade middlewares as `res`: a stand-in that keeps the request, and
 * stays reachable from a 'close' listener on the TCP socket for the connection's whole life.
 */
interface UpgradeResponse {
  socket: Duplex;
}

/** A listener added with `once`: Node's wrapper, which names the function it wraps. */
type OnceWrapper = ((...args: unknown[]) => void) & { listener?: unknown };

/**
 * The stand-in re-emits its TCP socket's 'close' for HTTP middlewares that wait for the end
 * of a response (the gateway has none), through a `once` listener it adds on the socket just
 * before the middlewares run, this one first: the socket's last 'close' listener. That
 * listener is all that keeps the stand-in, and the upgrade request it holds, once the
 * upgrade is answered.
 */
function stopCloseForwarding(
  _request: IncomingMessage,
  response: ServerResponse | UpgradeResponse,
  next: () => void,
): void {
  // A long-polling request gets a real ServerResponse, which lets the request go when it ends.
  if (!(response instanceof ServerResponse)) {
    const forwarder = response.socket.rawListeners('close').at(-1) as OnceWrapper | undefined;
    if (forwarder !== undefined && typeof forwarder.listener === 'function') {
      response.socket.removeListener('close', forwarder);
    }
  }
  next();
}

/**
 * Lets every WebSocket upgrade request, and Engine.IO's stand-in response to it, go once the
 * upgrade is answered: a new connection's, and a long-polling session's upgrade to WebSocket,
 * which never reaches 'connection' again.
 * A new connection's request also sits on `socket.conn.request` for the auth middleware,
 * until `releaseHandshake`.
 */
export function releaseUpgradeRequests(io: GatewayServer): void {
  // Before any other middleware, so the stand-in's 'close' listener is still the socket's last.
  io.engine.use(stopCloseForwarding);
}

/** Shared by every released handshake: frozen, so no connection can write into another's. */
const RELEASED_HEADERS: Handshake['headers'] = Object.freeze({});
const RELEASED_QUERY: Handshake['query'] = Object.freeze({});
const RELEASED_AUTH: Handshake['auth'] = Object.freeze({});

/**
 * Called once a socket is authenticated: drops the handshake request and everything the
 * client sent with it (headers, query, URL, `auth` with the token). `socket.handshake`
 * keeps what the server derived: address, time, issued, secure, xdomain.
 */
export function releaseHandshake(socket: GatewaySocket): void {
  // Engine.IO's type marks the request as always present; only the auth middleware reads it.
  (socket.conn as { request: IncomingMessage | null }).request = null;
  const handshake = socket.handshake;
  handshake.headers = RELEASED_HEADERS;
  handshake.query = RELEASED_QUERY;
  handshake.auth = RELEASED_AUTH;
  handshake.url = '';
}
