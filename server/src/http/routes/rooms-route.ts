import type { IRouter, RequestHandler } from 'express';
import { parseRoom, type Role } from '@roomcast/shared';
import { canAccessRoom } from '../../auth/room-access';
import type { Broadcaster } from '../../broadcast/broadcaster';
import { userOf } from '../require-room';

/**
 * GET /rooms (viewer): every room the gateway has seen an event in and the token may join,
 * with its kind, id and the kinds of event it has had, sorted by name. Dashboards list them.
 */
export function mountRoomsRoute(
  requireRole: (role: Role) => RequestHandler,
  broadcaster: Broadcaster,
): (app: IRouter) => void {
  return (app) => {
    app.get('/rooms', requireRole('viewer'), (req, res) => {
      const user = userOf(req);
      const rooms = broadcaster
        .knownRooms()
        .filter(({ room }) => canAccessRoom(user, room))
        .flatMap(({ room, events }) => {
          const parsed = parseRoom(room);
          return parsed.ok ? [{ room: parsed.room, kind: parsed.kind, id: parsed.id, events }] : [];
        })
        .sort((a, b) => a.room.localeCompare(b.room));
      res.json(rooms);
    });
  };
}
