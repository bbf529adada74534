import type { BatchedEvent } from '@roomcast/shared';
import type { GatewayServer } from '../realtime/types';
import type { LatestEntry } from './latest-events';
import { plainMembersOf } from './room-membership';

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
 * flush wait for its end and go together, so a busy room costs one frame per interval. Connections
 * that share the same pending rooms share one encoding (Socket.IO encodes a broadcast once
 * and writes the same frame to every socket), so a room of thousands costs one encode.
 */
export class EventBatcher {
  private pending = new Map<string, Queued[]>();
  /** Cancels the scheduled flush; null when none is scheduled. */
  private cancelFlush: (() => void) | null = null;
  private seq = 0;
  private lastFlushAt = Number.NEGATIVE_INFINITY;

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
    this.sendTo(this.batchedMembersOf(room, []), list);
  }

  /** Sends everything pending (each interval, and at shutdown). */
  flush(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    const pending = this.pending;
    if (pending.size === 0) return;
    this.pending = new Map();
    this.send(pending);
    // The interval starts when the writes are done: the longer a flush takes (a busy
    // gateway, many connections), the more the next one carries.
    this.lastFlushAt = performance.now();
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
      for (const [room, list] of pending) this.sendTo(this.batchedMembersOf(room, []), list);
      return;
    }
    // Several rooms: a socket in more than one of them gets their events merged in one frame.
    const roomsOfSocket = this.pendingRoomsOfSockets(pending);
    const merged = new Map<string, { rooms: string[]; sockets: string[] }>();
    const mergedSockets = new Map<string, string[]>();
    for (const [socketId, rooms] of roomsOfSocket) {
      if (rooms.length < 2) continue;
      const key = rooms.join('\u0000');
      const group = merged.get(key);
      if (group === undefined) merged.set(key, { rooms, sockets: [socketId] });
      else group.sockets.push(socketId);
      for (const room of rooms) {
        const ids = mergedSockets.get(room);
        if (ids === undefined) mergedSockets.set(room, [socketId]);
        else ids.push(socketId);
      }
    }
    for (const [room, list] of pending) this.sendTo(this.batchedMembersOf(room, mergedSockets.get(room) ?? []), list);
    for (const { rooms, sockets } of merged.values()) {
      const lists = rooms.map((room) => pending.get(room) ?? []);
      this.sendTo(this.io.local.to(sockets), mergeBySeq(lists));
    }
  }

  /** The batching sockets of each pending room, as socket id → the pending rooms it is in. */
  private pendingRoomsOfSockets(pending: Map<string, Queued[]>): Map<string, string[]> {
    const rooms = this.io.sockets.adapter.rooms;
    const result = new Map<string, string[]>();
    for (const room of pending.keys()) {
      const members = rooms.get(room);
      if (members === undefined) continue;
      const plain = rooms.get(plainMembersOf(room));
      for (const id of members) {
        if (plain?.has(id) === true) continue;
        const list = result.get(id);
        if (list === undefined) result.set(id, [room]);
        else list.push(room);
      }
    }
    return result;
  }

  /** This instance's batching members of a room, but for the sockets that get a merged frame. */
  private batchedMembersOf(room: string, except: string[]): ReturnType<GatewayServer['local']['to']> {
    return this.io.local
      .to(room)
      .except(except.length === 0 ? plainMembersOf(room) : [plainMembersOf(room), ...except]);
  }

  private sendTo(target: ReturnType<GatewayServer['local']['to']>, list: Queued[]): void {
    target.emit('batch', { events: list.map((queued) => queued.event) });
  }
}

/** Merges per-room lists (each in arrival order) into one list in arrival order. */
function mergeBySeq(lists: Queued[][]): Queued[] {
  if (lists.length === 1) return lists[0] ?? [];
  return lists.flat().sort((a, b) => a.seq - b.seq);
}
