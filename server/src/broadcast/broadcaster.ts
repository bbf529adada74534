import type { RoomEventName, RoomName, ServerPayload, ServerToClientEvents } from '@roomcast/shared';
import type { GatewayServer, GatewaySocket } from '../realtime/types';
import { isReplayable, type LatestEvents } from './latest-events';

type Args<E extends RoomEventName> = Parameters<ServerToClientEvents[E]>;

/**
 * The one way events reach rooms. `publish` remembers the payload as the room's
 * latest of its kind and emits it to every member; later engines call only this.
 */
export class Broadcaster {
  constructor(
    private readonly io: GatewayServer,
    private readonly latest: LatestEvents,
  ) {}

  publish<E extends RoomEventName>(room: RoomName, event: E, payload: ServerPayload<E>): void {
    if (isReplayable(event)) this.latest.remember(room, event, payload);
    this.io.to(room).emit(event, ...([payload] as Args<E>));
  }

  /** Emits a room's latest events to one socket; returns how many were sent. */
  replay(socket: GatewaySocket, room: string): number {
    const entries = this.latest.snapshot(room);
    for (const { event, payload } of entries) socket.emit(event, ...([payload] as Args<typeof event>));
    return entries.length;
  }
}
