import type { IRouter, RequestHandler } from 'express';
import Joi from 'joi';
import { ErrorCode, RoomcastError, type Role } from '@roomcast/shared';
import { canAccessRoom } from '../../auth/room-access';
import type { Store } from '../../store/store';
import { requireRoom, userOf } from '../require-room';
import { validateInput } from '../validate-query';
import { instant } from '../query-schemas';

const historyQuery = Joi.object({
  from: instant,
  to: instant,
  limit: Joi.number().integer().min(1).max(1000).default(100),
});

/**
 * GET /locations (each location with its latest AQI), GET /locations/:location/aqi (the latest),
 * GET /locations/:location/aqi/history?from&to&limit (newest first). Viewer and up, within the token rooms.
 */
export function mountLocationRoutes(requireRole: (role: Role) => RequestHandler, store: Store): (app: IRouter) => void {
  return (app) => {
    app.get('/locations', requireRole('viewer'), async (req, res) => {
      const user = userOf(req);
      const locations = await store.aqiLocations();
      res.json(
        locations
          .filter(({ location }) => canAccessRoom(user, `location:${location}`))
          .map(({ location, latest }) => ({ location, aqi: latest.aqi, timestamp: latest.timestamp })),
      );
    });

    app.get('/locations/:location/aqi', requireRole('viewer'), async (req, res) => {
      const room = requireRoom(req, 'location', req.params.location);
      const location = room.slice('location:'.length);
      // The latest as it arrived, like the room's snapshot and GET /locations (not the newest timestamp).
      const found = (await store.aqiLocations()).find((entry) => entry.location === location);
      if (found === undefined) throw new RoomcastError(ErrorCode.NOT_FOUND, `no AQI for ${location} yet`);
      res.json(found.latest);
    });

    app.get('/locations/:location/aqi/history', requireRole('viewer'), async (req, res) => {
      const room = requireRoom(req, 'location', req.params.location);
      const query = validateInput<{ from?: Date; to?: Date; limit: number }>(historyQuery, req.query, 'query');
      res.json({
        items: await store.aqiHistory({
          location: room.slice('location:'.length),
          limit: query.limit,
          ...(query.from !== undefined ? { from: query.from.toISOString() } : {}),
          ...(query.to !== undefined ? { to: query.to.toISOString() } : {}),
        }),
      });
    });
  };
}
