import {
  ErrorCode,
  parseRoom,
  type RoomRejection,
  type SubscribeResult,
  type UnsubscribeResult,
} from '@roomcast/shared';
import { canAccessRoom } from '../auth/room-access';
import type { Broadcaster } from '../broadcast/broadcaster';
import { isSubscribedRoom } from '../broadcast/room-membership';
import type { GatewaySocket } from './types';

export interface SubscriptionLimits {
  maxRoomsPerSocket: number;
}

/** Rooms the client joined through `subscribe`. */
function joinedRooms(socket: GatewaySocket): number {
  let count = 0;
  for (const room of socket.rooms) if (isSubscribedRoom(socket, room)) count += 1;
  return count;
}

/**
 * Joins each valid, allowed room and, right after, replays its latest events to
 * this socket so a dashboard never starts empty. Each room is judged on its own.
 */
export function subscribeRooms(
  socket: GatewaySocket,
  rooms: readonly string[],
  broadcaster: Broadcaster,
  limits: SubscriptionLimits,
): SubscribeResult {
  const joined: string[] = [];
  const rejected: RoomRejection[] = [];
  const fresh: string[] = [];
  for (const name of rooms) {
    const parsed = parseRoom(name);
    if (!parsed.ok) {
      rejected.push({ room: name, code: parsed.code, message: parsed.message });
      continue;
    }
    const room = parsed.room;
    if (!canAccessRoom(socket.data.user, room)) {
      rejected.push({ room: name, code: ErrorCode.FORBIDDEN, message: `your token does not allow room ${room}` });
      continue;
    }
    if (socket.rooms.has(room)) {
      if (!joined.includes(room)) joined.push(room);
      continue;
    }
    if (joinedRooms(socket) >= limits.maxRoomsPerSocket) {
      rejected.push({
        room: name,
        code: ErrorCode.LIMIT_EXCEEDED,
        message: `a socket may be in at most ${limits.maxRoomsPerSocket} rooms`,
      });
      continue;
    }
    broadcaster.join(socket, room);
    joined.push(room);
    fresh.push(room);
  }
  for (const room of fresh) broadcaster.replay(socket, room);
  return { ok: rejected.length === 0, joined, rejected };
}

export function unsubscribeRooms(
  socket: GatewaySocket,
  rooms: readonly string[],
  broadcaster: Broadcaster,
): UnsubscribeResult {
  const left: string[] = [];
  const rejected: RoomRejection[] = [];
  for (const name of rooms) {
    const parsed = parseRoom(name);
    if (!parsed.ok) {
      rejected.push({ room: name, code: parsed.code, message: parsed.message });
      continue;
    }
    if (!socket.rooms.has(parsed.room)) {
      rejected.push({ room: name, code: ErrorCode.NOT_SUBSCRIBED, message: `not subscribed to ${parsed.room}` });
      continue;
    }
    broadcaster.leave(socket, parsed.room);
    left.push(parsed.room);
  }
  return { ok: rejected.length === 0, left, rejected };
}
