import type { IRouter, RequestHandler } from 'express';
import Joi from 'joi';
import { ErrorCode, RoomcastError, type Role } from '@roomcast/shared';
import type { DeadLetters } from './dead-letters';

const querySchema = Joi.object({ limit: Joi.number().integer().min(1).max(100_000) });

/** GET /ingest/dead-letters (admin): rejected MQTT messages, newest first, with counts per reason. */
export function mountDeadLettersRoute(
  requireRole: (role: Role) => RequestHandler,
  deadLetters: DeadLetters,
): (app: IRouter) => void {
  return (app) => {
    app.get('/ingest/dead-letters', requireRole('admin'), (req, res) => {
      const { value, error } = querySchema.validate(req.query, { convert: true });
      if (error) throw new RoomcastError(ErrorCode.BAD_REQUEST, `invalid query: ${error.message}`);
      res.json(deadLetters.report((value as { limit?: number }).limit));
    });
  };
}
