import { EventEmitter } from 'node:events';
import type { GatewaySocket } from './types';

/**
 * A connection is six event emitters (Socket.IO's socket, Engine.IO's socket and transport,
 * ws's WebSocket and Receiver, Node's net.Socket), and each keeps its listeners in a table
 * (`_events`) that Node creates with a null prototype. V8 keeps such an object as a hash
 * table from the start, about 230 bytes for a handful of entries, where an ordinary object
 * with the same few properties takes about 60. The arrays of several listeners, and the
 * libraries' lists of functions (Socket.IO's `_anyListeners` and its decoder's callbacks,
 * Engine.IO's `cleanupFn`), were grown by `push` and keep room for 17 entries where they hold
 * one or two.
 *
 * Once a connection is set up its tables barely change, so they are rebuilt here as ordinary
 * objects, still without a prototype, with the same listeners in the same order, and the lists
 * are copied to their length: about 1.3 KB less heap per idle connection. An emitter whose
 * table is not what Node makes (another library, a future version) is left as it is.
 */

type Table = Record<string | symbol, unknown>;

/** A list of listeners, and what Node may mark on one: that it has warned about its length. */
type ListenerList = unknown[] & { warned?: boolean };

function isListenerTable(value: unknown): value is Table {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null;
}

/** A copy whose backing store is its length, where `push` left room for 17. */
function copyList(list: ListenerList): ListenerList {
  const copy: ListenerList = list.slice();
  if (list.warned === true) copy.warned = true;
  return copy;
}

/**
 * Rebuilds an emitter's listener table as an ordinary object without a prototype (which V8
 * keeps compact, unlike the hash table Node starts with), with exact-length listener arrays.
 * Listeners, their order and the count are unchanged.
 */
export function compactListenerTable(emitter: EventEmitter): void {
  const holder = emitter as EventEmitter & { _events?: unknown };
  const table = holder._events;
  if (!isListenerTable(table)) return;
  // `Object.create(null)` and `{ __proto__: null }` would make the hash table again.
  const compact = Object.setPrototypeOf({}, null) as Table;
  for (const key of Reflect.ownKeys(table)) {
    const value = table[key];
    compact[key] = Array.isArray(value) ? copyList(value) : value;
  }
  holder._events = compact;
}

/** Copies each listener list of a component-emitter (`_callbacks`, Socket.IO's decoder) to its length. */
function compactCallbackLists(emitter: unknown): void {
  const callbacks = (emitter as { _callbacks?: unknown } | undefined)?._callbacks;
  if (typeof callbacks !== 'object' || callbacks === null) return;
  const lists = callbacks as Table;
  for (const key of Object.keys(lists)) {
    const value = lists[key];
    if (Array.isArray(value)) lists[key] = copyList(value);
  }
}

/** What the gateway reaches past the typed surface; every step is checked before use. */
interface ConnectionInternals {
  client?: { decoder?: unknown };
  _anyListeners?: unknown;
}
interface EngineSocketInternals {
  cleanupFn?: unknown;
}
interface TransportInternals {
  socket?: unknown;
}
interface WebSocketInternals {
  _receiver?: unknown;
  _socket?: unknown;
}

function emitterOrNull(value: unknown): EventEmitter | null {
  return value instanceof EventEmitter ? value : null;
}

/**
 * Engine.IO adds a listener that ignores a WebSocket's errors before the connection is set
 * up, and keeps it for the connection's life. Dropped once the transport's own error
 * listener is there, so an error still has a listener (an 'error' without one would throw).
 */
export function dropUpgradeErrorListener(webSocket: EventEmitter): void {
  const listeners = webSocket.listeners('error');
  const upgradeOnly = listeners.filter((listener) => listener.name === 'onUpgradeError');
  if (upgradeOnly.length === 0 || upgradeOnly.length === listeners.length) return;
  for (const listener of upgradeOnly) webSocket.removeListener('error', listener as (...args: unknown[]) => void);
}

/**
 * Compacts the listener tables of a connected socket's whole stack. Called when the socket
 * connects, after its own listeners are registered; a long-polling connection is compacted
 * again when it upgrades, since the upgrade replaces the transport and changes the listeners.
 */
export function compactListenerTables(socket: GatewaySocket): void {
  const conn = socket.conn;
  const webSocket = emitterOrNull((conn.transport as unknown as TransportInternals).socket);
  if (webSocket !== null) dropUpgradeErrorListener(webSocket);
  const internals = webSocket as WebSocketInternals | null;
  const emitters = [
    socket,
    conn,
    conn.transport,
    webSocket,
    emitterOrNull(internals?._receiver),
    emitterOrNull(internals?._socket),
  ];
  for (const emitter of emitters) if (emitter !== null) compactListenerTable(emitter);

  const connection = socket as unknown as ConnectionInternals;
  if (Array.isArray(connection._anyListeners)) connection._anyListeners = copyList(connection._anyListeners);
  // What Engine.IO runs when the transport goes: its listeners' removal.
  const engine = conn as unknown as EngineSocketInternals;
  if (Array.isArray(engine.cleanupFn)) engine.cleanupFn = copyList(engine.cleanupFn);
  compactCallbackLists(connection.client?.decoder);

  if (conn.transport.name === 'polling' && !conn.upgraded) {
    conn.once('upgrade', () => compactListenerTables(socket));
  }
}
