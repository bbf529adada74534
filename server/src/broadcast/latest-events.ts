import type { RoomEventName, ServerPayload } from '@roomcast/shared';

export type LatestEntry = { [E in RoomEventName]: { event: E; payload: ServerPayload<E> } }[RoomEventName];

/**
 * The latest event of each kind in each room, kept for snapshots and `refresh`.
 * A device room, say, remembers its latest `device:data`, `device:status` and
 * `device:alerts` separately, so a late subscriber sees all three.
 */
export interface LatestEvents {
  remember(room: string, entry: LatestEntry): void;
  get<E extends RoomEventName>(room: string, event: E): ServerPayload<E> | undefined;
  /** The room's latest events, oldest first (the order they were remembered in). */
  snapshot(room: string): LatestEntry[];
  /** Every room that has had an event. */
  rooms(): string[];
}

/** Events that describe a moment, not a state: they are broadcast but not replayed. */
const TRANSIENT: ReadonlySet<RoomEventName> = new Set<RoomEventName>(['ack_update']);

export function isReplayable(event: RoomEventName): boolean {
  return !TRANSIENT.has(event);
}

export class MemoryLatestEvents implements LatestEvents {
  private readonly byRoom = new Map<string, Map<RoomEventName, LatestEntry>>();

  remember(room: string, entry: LatestEntry): void {
    let entries = this.byRoom.get(room);
    if (entries === undefined) {
      entries = new Map();
      this.byRoom.set(room, entries);
    }
    // Delete first so the map's insertion order stays "oldest first".
    entries.delete(entry.event);
    entries.set(entry.event, entry);
  }

  get<E extends RoomEventName>(room: string, event: E): ServerPayload<E> | undefined {
    return this.byRoom.get(room)?.get(event)?.payload as ServerPayload<E> | undefined;
  }

  snapshot(room: string): LatestEntry[] {
    const entries = this.byRoom.get(room);
    return entries === undefined ? [] : [...entries.values()];
  }

  rooms(): string[] {
    return [...this.byRoom.keys()];
  }
}
