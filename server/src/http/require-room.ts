import type { Request } from 'express';
import { ErrorCode, parseRoom, RoomcastError, type AuthUser, type RoomName } from '@roomcast/shared';
import { canAccessRoom } from '../auth/room-access';

/** The verified user of a request that passed `requireRole`. */
export function userOf(req: Request): AuthUser {
  if (req.authUser === undefined) throw new RoomcastError(ErrorCode.UNAUTHORIZED, 'not authenticated');
  return req.authUser;
}

/**
 * The canonical room of a path parameter, checked against the token's room patterns:
 * REST answers only what the same token could subscribe to.
 */
export function requireRoom(
  req: Request,
  kind: 'device' | 'sensor' | 'location' | 'characteristic',
  id: unknown,
): RoomName {
  const parsed = parseRoom(`${kind}:${typeof id === 'string' ? id : ''}`);
  if (!parsed.ok) throw new RoomcastError(ErrorCode.BAD_REQUEST, parsed.message);
  if (!canAccessRoom(userOf(req), parsed.room)) {
    throw new RoomcastError(ErrorCode.FORBIDDEN, `your token does not allow room ${parsed.room}`);
  }
  return parsed.room;
}
