import WebSocket from 'ws';
import { PacketType } from 'socket.io-parser';
import type { GatewayServer, GatewaySocket } from '../realtime/types';

/**
 * A batch goes to hundreds or thousands of connections at once. Socket.IO encodes a broadcast
 * once, but then hands every connection a packet of its own: Engine.IO wraps it in a packet
 * object, queues it, emits `packetCreate`, `flush` and `drain`, marks the transport busy and
 * waits for a write callback, and ws corks the socket to write the frame's header and body as
 * two buffers. On a connection with nothing of its own waiting that bookkeeping changes
 * nothing, and it was about a quarter of the gateway's CPU at 100 batches/s to 1 000
 * connections (BENCHMARKS.md, change 9).
 *
 * So a broadcast is encoded once into the complete WebSocket frame Socket.IO would have sent
 * (the same bytes), and written with one `write` straight to each connection whose output is
 * idle: a WebSocket transport that is open and not compressing, with nothing in Engine.IO's
 * buffer, nothing queued in ws's sender, nothing unsent in the socket's own buffer, and no
 * outgoing listener on the Socket.IO socket. Its bytes then follow whatever Engine.IO wrote
 * before, in order, because both end in the same `net.Socket`. Any other connection — long
 * polling, an upgrade in progress, a reader slower than the gateway writes — gets the event
 * through Socket.IO as before, so its backpressure and ordering stay Engine.IO's.
 *
 * The fields read here are Engine.IO's and ws's internals; each is checked before it is used,
 * so a library version that changes them sends everything through Socket.IO, never a broken
 * frame.
 */

/** The part of ws's `Sender` used here (`@types/ws` does not declare it). */
interface FrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
}
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

const TEXT_FRAME: FrameOptions = { fin: true, rsv1: false, opcode: 1, mask: false, readOnly: false };
/** Engine.IO's packet type of a Socket.IO packet. */
const ENGINE_MESSAGE = '4';
const WEBSOCKET_OPEN = 1;

/** The Engine.IO and ws state a direct write depends on, each field as it may or may not be there. */
interface EngineConnection {
  readyState?: unknown;
  upgrading?: unknown;
  writeBuffer?: unknown;
  transport?: {
    name?: unknown;
    writable?: unknown;
    perMessageDeflate?: unknown;
    socket?: {
      readyState?: unknown;
      _sender?: { _queue?: unknown; sendFrame?: unknown };
      _socket?: { writableLength?: unknown; destroyed?: unknown };
    };
  };
}

/**
 * The WebSocket frame Socket.IO sends for `event` with `payload` to the main namespace, or
 * null when the event does not fit one text frame (binary attachments).
 */
export function encodeEventFrame(io: GatewayServer, event: string, payload: unknown): Buffer | null {
  const packets = io.encoder.encode({ type: PacketType.EVENT, nsp: '/', data: [event, payload] });
  const [packet] = packets;
  if (packets.length !== 1 || typeof packet !== 'string') return null;
  return Buffer.concat(Sender.frame(Buffer.from(ENGINE_MESSAGE + packet), TEXT_FRAME));
}

/**
 * Writes `frame` straight to the connection's socket when its output is idle (see above) and
 * says whether it did; when it did not, the caller sends the event through Socket.IO.
 */
export function writeFrame(socket: GatewaySocket, frame: Buffer): boolean {
  if (!socket.connected || socket.listenersAnyOutgoing().length > 0) return false;
  const conn = socket.conn as unknown as EngineConnection;
  if (conn.readyState !== 'open' || conn.upgrading !== false) return false;
  if (!Array.isArray(conn.writeBuffer) || conn.writeBuffer.length > 0) return false;
  const transport = conn.transport;
  if (transport?.name !== 'websocket' || transport.writable !== true || transport.perMessageDeflate !== false) {
    return false;
  }
  const ws = transport.socket;
  if (ws?.readyState !== WEBSOCKET_OPEN) return false;
  const sender = ws._sender;
  const net = ws._socket;
  if (typeof sender?.sendFrame !== 'function' || !Array.isArray(sender._queue) || sender._queue.length > 0)
    return false;
  if (net?.writableLength !== 0 || net.destroyed !== false) return false;
  (sender.sendFrame as (list: Buffer[]) => void).call(sender, [frame]);
  return true;
}
