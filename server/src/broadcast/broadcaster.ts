import type { DeviceDataPayload, RoomEventName, RoomName, ServerPayload, ServerToClientEvents } from '@roomcast/shared';
import type { GatewayServer, GatewaySocket } from '../realtime/types';
import { EventBatcher, type BatchFrameCounts } from './event-batcher';
import { isReplayable, type LatestEntry, type LatestEvents } from './latest-events';
import { joinRoom, leaveRoom, localMembers, plainMembersOf } from './room-membership';
import { Throttle } from './throttle';

type Args<E extends RoomEventName> = Parameters<ServerToClientEvents[E]>;

/**
 * Telemetry is throttled per room; alerts, violations, samples, acknowledgements and
 * status changes are never throttled or dropped.
 */
const THROTTLED: ReadonlySet<RoomEventName> = new Set<RoomEventName>(['device:data', 'sensor_reading', 'aqi_update']);

/**
 * A device may report its metrics in several messages: the room's state is the union of
 * the latest value of each metric, with the newest timestamp.
 */
function mergeDeviceData(previous: DeviceDataPayload | undefined, next: DeviceDataPayload): DeviceDataPayload {
  if (previous === undefined) return next;
  return { deviceId: next.deviceId, data: { ...previous.data, ...next.data }, timestamp: next.timestamp };
}

export interface BroadcastTiming {
  /** Throttle interval for telemetry per room; 0 sends every value. */
  minIntervalMs: number;
  /** How long events wait for batching connections; 0 batches one event-loop turn. */
  batchIntervalMs: number;
}

/**
 * The one way events reach rooms. `publish` remembers the payload as the room's latest
 * of its kind and broadcasts it to every member (through the throttle for telemetry):
 * at once to plain Socket.IO clients, in the next batch to connections that asked for
 * batches. The ingest pipeline and the engines call only this; sockets join and leave
 * rooms through it too, so a subscriber never receives an event older than its snapshot.
 */
export class Broadcaster {
  private readonly throttle: Throttle;
  private readonly batcher: EventBatcher;

  constructor(
    private readonly io: GatewayServer,
    private readonly latest: LatestEvents,
    timing: BroadcastTiming = { minIntervalMs: 0, batchIntervalMs: 0 },
  ) {
    this.throttle = new Throttle(timing.minIntervalMs, (room, entry) => this.emit(room, entry));
    this.batcher = new EventBatcher(io, timing.batchIntervalMs);
  }

  publish<E extends RoomEventName>(room: RoomName, event: E, payload: ServerPayload<E>): void {
    let entry = { event, payload } as LatestEntry;
    if (entry.event === 'device:data') {
      entry = { event: 'device:data', payload: mergeDeviceData(this.latest.get(room, 'device:data'), entry.payload) };
    }
    if (isReplayable(event)) this.latest.remember(room, entry);
    if (THROTTLED.has(event)) this.throttle.offer(room, entry);
    else this.emit(room, entry);
  }

  /** Emits a payload the room already has as its latest again, bypassing the throttle (periodic refreshes). */
  resend<E extends RoomEventName>(room: RoomName, event: E, payload: ServerPayload<E>): void {
    this.emit(room, { event, payload } as LatestEntry);
  }

  /** The room's latest payload of one event, if any. */
  latestOf<E extends RoomEventName>(room: string, event: E): ServerPayload<E> | undefined {
    return this.latest.get(room, event);
  }

  /** Every room that has had an event, with the kinds of event it has had. */
  knownRooms(): Array<{ room: string; events: RoomEventName[] }> {
    return this.latest
      .rooms()
      .map((room) => ({ room, events: this.latest.snapshot(room).map((entry) => entry.event) }));
  }

  /** Adds a socket to a room; what is pending for the room goes out first, without it. */
  join(socket: GatewaySocket, room: string): void {
    this.batcher.flushRoom(room);
    joinRoom(socket, room);
  }

  leave(socket: GatewaySocket, room: string): void {
    leaveRoom(socket, room);
  }

  /** Emits a room's latest events to one socket, after what is pending for the room; returns how many were sent. */
  replay(socket: GatewaySocket, room: string): number {
    this.batcher.flushRoom(room);
    const entries = this.latest.snapshot(room);
    for (const { event, payload } of entries) socket.emit(event, ...([payload] as Args<typeof event>));
    return entries.length;
  }

  /** How the batches sent so far reached their connections. */
  batchFrameCounts(): BatchFrameCounts {
    return this.batcher.frameCounts();
  }

  /** Sends pending trailing values and batches now (at shutdown). */
  flush(): void {
    this.throttle.flush();
    this.batcher.flush();
  }

  private emit(room: string, entry: LatestEntry): void {
    const members = localMembers(this.io, room);
    if (members.plain > 0) {
      const { event, payload } = entry;
      this.io.to(plainMembersOf(room)).emit(event, ...([payload] as Args<typeof event>));
    }
    if (members.batched > 0) this.batcher.enqueue(room, entry);
  }
}
