import type { BatchedEvent, BatchPayload } from '@roomcast/shared';
import type { GatewayServer } from '../realtime/types';
import type { LatestEntry } from './latest-events';
import { plainMembersOf } from './room-membership';
import { encodeEventFrame, writeFrame } from './websocket-frames';

export interface BatchFrameCounts {
  /** Frames written straight to a connection's socket (see websocket-frames). */
  written: number;
  /** Frames sent through Socket.IO: connections that poll, are upgrading or have output waiting. */
  throughSocketIo: number;
}

interface Queued {
  /** Order of arrival over every room, so events of several rooms merge as they were emitted. */
  seq: number;
  event: BatchedEvent;
}

/**
 * Sends each batching connection everything due to it as one `batch` event: one frame per
 * connection per flush, however many events and rooms it carries. The first event after a
 * quiet interval goes out at the end of the current event-loop turn (with whatever else that
 * turn emits), so a quiet room pays no delay; events that follow within the interval after a
 * flush began wait for its end and go together, so a busy room costs one frame per interval. Connections
 * that share the same pending rooms share one encoding, written as one ready WebSocket frame to
 * each (see websocket-frames), so a room of thousands costs one encode.
 */
export class EventBatcher {
  private pending = new Map<string, Queued[]>();
  /** Cancels the scheduled flush; null when none is scheduled. */
  private cancelFlush: (() => void) | null = null;
  private seq = 0;
  private lastFlushAt = Number.NEGATIVE_INFINITY;
  private readonly counts: BatchFrameCounts = { written: 0, throughSocketIo: 0 };

  constructor(
    private readonly io: GatewayServer,
    private readonly intervalMs: number,
  ) {}

  enqueue(room: string, { event, payload }: LatestEntry): void {
    const queued: Queued = { seq: this.seq++, event: [event, payload] as BatchedEvent };
    const list = this.pending.get(room);
    if (list === undefined) this.pending.set(room, [queued]);
    else list.push(queued);
    if (this.cancelFlush === null) this.scheduleFlush();
  }

  /**
   * Sends one room's pending events now, before a socket joins it or is sent its snapshot:
   * the snapshot is newer than anything pending, so nothing older may follow it.
   */
  flushRoom(room: string): void {
    const list = this.pending.get(room);
    if (list === undefined) return;
    this.pending.delete(room);
    this.sendTo(this.batchedMembersOf(room), list);
  }

  /** How many batch frames went straight to a connection, and how many through Socket.IO, since start. */
  frameCounts(): BatchFrameCounts {
    return { ...this.counts };
  }

  /** Sends everything pending (each interval, and at shutdown). */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    // The interval counts from the start of a flush: at most one frame per interval to a
    // connection. A flush that takes longer than the interval (a busy gateway, many
    // connections) is followed by the next once the events that came meanwhile are read.
    this.lastFlushAt = performance.now();
    this.send(pending);
  }

  private scheduleFlush(): void {
    const wait = this.lastFlushAt + this.intervalMs - performance.now();
    if (wait > 0) {
      const timer = setTimeout(() => this.flush(), wait);
      this.cancelFlush = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(() => this.flush());
      this.cancelFlush = () => clearImmediate(immediate);
    }
  }

  private send(pending: Map<string, Queued[]>): void {
    if (pending.size === 1) {
      for (const [room, list] of pending) this.sendTo(this.batchedMembersOf(room), list);
      return;
    }
    // Several rooms: sockets are grouped by the pending rooms they are in, so a socket in more
    // than one of them gets their events merged in one frame, and each group shares an encoding.
    const groups = new Map<string, { rooms: string[]; sockets: string[] }>();
    for (const [socketId, rooms] of this.pendingRoomsOfSockets(pending)) {
      const key = rooms.join('\u0000');
      const group = groups.get(key);
      if (group === undefined) groups.set(key, { rooms, sockets: [socketId] });
      else group.sockets.push(socketId);
    }
    for (const { rooms, sockets } of groups.values()) {
      this.sendTo(sockets, mergeBySeq(rooms.map((room) => pending.get(room) ?? [])));
    }
  }

  /** The batching sockets of each pending room, as socket id → the pending rooms it is in. */
  private pendingRoomsOfSockets(pending: Map<string, Queued[]>): Map<string, string[]> {
    const result = new Map<string, string[]>();
    for (const room of pending.keys()) {
      for (const id of this.batchedMembersOf(room)) {
        const list = result.get(id);
        if (list === undefined) result.set(id, [room]);
        else list.push(room);
      }
    }
    return result;
  }

  /** This instance's batching members of a room. */
  private *batchedMembersOf(room: string): Generator<string> {
    const rooms = this.io.sockets.adapter.rooms;
    const members = rooms.get(room);
    if (members === undefined) return;
    const plain = rooms.get(plainMembersOf(room));
    for (const id of members) {
      if (plain?.has(id) !== true) yield id;
    }
  }

  /**
   * One `batch` event to each of these sockets: encoded once, written straight to every
   * connection whose output is idle, and through Socket.IO (one more encoding, shared by all
   * of them) to the others. What is written straight never passes the adapter's `broadcast`,
   * so an adapter feature built on it (connection-state recovery's stored packets) does not
   * see it.
   */
  private sendTo(socketIds: Iterable<string>, list: Queued[]): void {
    const payload: BatchPayload = { events: list.map((queued) => queued.event) };
    const sockets = this.io.sockets.sockets;
    // Encoded at the first socket that exists; null (binary attachments) is an answer too, kept.
    let frame: Buffer | null | undefined;
    const throughSocketIo: string[] = [];
    for (const id of socketIds) {
      const socket = sockets.get(id);
      if (socket === undefined) continue;
      if (frame === undefined) frame = encodeEventFrame(this.io, 'batch', payload);
      if (frame !== null && writeFrame(socket, frame)) this.counts.written += 1;
      else throughSocketIo.push(id);
    }
    if (throughSocketIo.length === 0) return;
    this.io.local.to(throughSocketIo).emit('batch', payload);
    this.counts.throughSocketIo += throughSocketIo.length;
  }
}

/** Merges per-room lists (each in arrival order) into one list in arrival order. */
function mergeBySeq(lists: Queued[][]): Queued[] {
  if (lists.length === 1) return lists[0] ?? [];
  return lists.flat().sort((a, b) => a.seq - b.seq);
}
