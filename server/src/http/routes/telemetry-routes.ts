import type { IRouter, RequestHandler } from 'express';
import Joi from 'joi';
import { ErrorCode, RoomcastError, type Role } from '@roomcast/shared';
import type { Store, TelemetrySource } from '../../store/store';
import { requireRoom } from '../require-room';
import { validateInput } from '../validate-query';
import { instant } from '../query-schemas';

const rangeQuery = Joi.object({
  from: instant,
  to: instant,
  limit: Joi.number().integer().min(1).max(1000).default(100),
  cursor: Joi.string().max(200),
  order: Joi.string().valid('asc', 'desc').default('asc'),
});

interface RangeQuery {
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
  order: 'asc' | 'desc';
}

/**
 * Telemetry history (viewer and up, within the token's rooms):
 * GET /devices/:deviceId/telemetry/latest, GET /devices/:deviceId/telemetry?from&to&limit&cursor,
 * GET /sensors/:sensorId/latest, GET /sensors/:sensorId/readings?from&to&limit&cursor.
 */
export function mountTelemetryRoutes(
  requireRole: (role: Role) => RequestHandler,
  store: Store,
): (app: IRouter) => void {
  const latest =
    (source: TelemetrySource, kind: 'device' | 'sensor', param: string): RequestHandler =>
    async (req, res) => {
      const id = req.params[param];
      requireRoom(req, kind, id);
      const point = await store.latestTelemetry(source, id as string);
      if (point === null) throw new RoomcastError(ErrorCode.NOT_FOUND, `no telemetry for ${kind} ${String(id)} yet`);
      res.json(point.payload);
    };
  const range =
    (source: TelemetrySource, kind: 'device' | 'sensor', param: string): RequestHandler =>
    async (req, res) => {
      const id = req.params[param];
      requireRoom(req, kind, id);
      const query = validateInput<RangeQuery>(rangeQuery, req.query, 'query');
      const page = await store.telemetry({
        source,
        sourceId: id as string,
        limit: query.limit,
        order: query.order,
        ...(query.from !== undefined ? { from: query.from.toISOString() } : {}),
        ...(query.to !== undefined ? { to: query.to.toISOString() } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
      });
      res.json({ items: page.items.map((point) => point.payload), nextCursor: page.nextCursor });
    };

  return (app) => {
    app.get('/devices/:deviceId/telemetry/latest', requireRole('viewer'), latest('device', 'device', 'deviceId'));
    app.get('/devices/:deviceId/telemetry', requireRole('viewer'), range('device', 'device', 'deviceId'));
    app.get('/sensors/:sensorId/latest', requireRole('viewer'), latest('sensor', 'sensor', 'sensorId'));
    app.get('/sensors/:sensorId/readings', requireRole('viewer'), range('sensor', 'sensor', 'sensorId'));
  };
}
