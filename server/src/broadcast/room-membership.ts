import type { GatewayServer, GatewaySocket } from '../realtime/types';

/**
 * Every subscriber of a room is in the Socket.IO room of that name, whatever the way it
 * takes events. A subscriber that takes them one by one (a plain Socket.IO client) is also
 * in the room's plain-members room, so an event goes to exactly those sockets, encoded once,
 * while the batcher serves the others. The suffix holds a NUL, which no room name may.
 */
const PLAIN_SUFFIX = '\u0000plain';

export function plainMembersOf(room: string): string {
  return room + PLAIN_SUFFIX;
}

/** A room a client subscribed to (not Socket.IO's own per-socket room, not a plain-members room). */
export function isSubscribedRoom(socket: GatewaySocket, room: string): boolean {
  return room !== socket.id && !room.endsWith(PLAIN_SUFFIX);
}

export function joinRoom(socket: GatewaySocket, room: string): void {
  void socket.join(socket.data.batch ? room : [room, plainMembersOf(room)]);
}

export function leaveRoom(socket: GatewaySocket, room: string): void {
  void socket.leave(room);
  if (!socket.data.batch) void socket.leave(plainMembersOf(room));
}

/** How many of this instance's sockets in a room take events one by one, and how many in batches. */
export function localMembers(io: GatewayServer, room: string): { plain: number; batched: number } {
  const rooms = io.sockets.adapter.rooms;
  const all = rooms.get(room)?.size ?? 0;
  const plain = rooms.get(plainMembersOf(room))?.size ?? 0;
  return { plain, batched: all - plain };
}
