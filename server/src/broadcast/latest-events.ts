import type { RoomEventName, ServerPayload } from '@roomcast/shared';

export interface LatestEntry<E extends RoomEventName = RoomEventName> {
  event: E;
  payload: ServerPayload<E>;
}

/**
 * The latest event of each kind in each room, kept for snapshots and `refresh`.
 * A device room, say, remembers its latest `device:data`, `device:status` and
 * `device:alerts` separately, so a late subscriber sees all three.
 */
export interface LatestEvents {
  remember<E extends RoomEventName>(room: string, event: E, payload: ServerPayload<E>): void;
  /** The room's latest events, oldest first (the order they were remembered in). */
  snapshot(room: string): LatestEntry[];
}

/** Events that describe a moment, not a state: they are broadcast but not replayed. */
const TRANSIENT: ReadonlySet<RoomEventName> = new Set<RoomEventName>(['ack_update']);

export function isReplayable(event: RoomEventName): boolean {
  return !TRANSIENT.has(event);
}

export class MemoryLatestEvents implements LatestEvents {
  private readonly rooms = new Map<string, Map<RoomEventName, LatestEntry>>();

  remember<E extends RoomEventName>(room: string, event: E, payload: ServerPayload<E>): void {
    let entries = this.rooms.get(room);
    if (entries === undefined) {
      entries = new Map();
      this.rooms.set(room, entries);
    }
    // Delete first so the map's insertion order stays "oldest first".
    entries.delete(event);
    entries.set(event, { event, payload } as LatestEntry);
  }

  snapshot(room: string): LatestEntry[] {
    const entries = this.rooms.get(room);
    return entries === undefined ? [] : [...entries.values()];
  }
}
