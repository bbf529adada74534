import type { IRouter, RequestHandler } from 'express';
import Joi from 'joi';
import type { Role } from '@roomcast/shared';
import type { SpcService } from '../../spc/spc-service';
import { acknowledgeBody } from './alert-routes';
import { requireRoom, userOf } from '../require-room';
import { validateInput } from '../validate-query';

const samplesQuery = Joi.object({ limit: Joi.number().integer().min(1).max(1000).default(100) });
const violationsQuery = Joi.object({
  acknowledged: Joi.boolean().truthy('true').falsy('false'),
  limit: Joi.number().integer().min(1).max(1000).default(100),
});

/**
 * Characteristics: POST and PUT /characteristics/:id (admin); GET /characteristics,
 * /characteristics/:id, …/samples, …/violations, …/limits (viewer, within the token rooms);
 * POST /violations/:violationId/acknowledge (operator).
 */
export function mountSpcRoutes(requireRole: (role: Role) => RequestHandler, spc: SpcService): (app: IRouter) => void {
  const idOf = (req: Parameters<RequestHandler>[0]): string =>
    requireRoom(req, 'characteristic', req.params.id).slice('characteristic:'.length);

  return (app) => {
    app.get('/characteristics', requireRole('viewer'), (req, res) => {
      res.json(spc.list(userOf(req)));
    });
    app.post('/characteristics/:id', requireRole('admin'), async (req, res) => {
      res.status(201).json(await spc.create(idOf(req), req.body));
    });
    app.put('/characteristics/:id', requireRole('admin'), async (req, res) => {
      res.json(await spc.replace(idOf(req), req.body));
    });
    app.get('/characteristics/:id', requireRole('viewer'), (req, res) => {
      res.json(spc.get(idOf(req)));
    });
    app.get('/characteristics/:id/limits', requireRole('viewer'), (req, res) => {
      res.json(spc.limitsOf(idOf(req)));
    });
    app.get('/characteristics/:id/samples', requireRole('viewer'), async (req, res) => {
      const id = idOf(req);
      const { limit } = validateInput<{ limit: number }>(samplesQuery, req.query, 'query');
      res.json({ items: await spc.samples(id, limit) });
    });
    app.get('/characteristics/:id/violations', requireRole('viewer'), async (req, res) => {
      const id = idOf(req);
      const query = validateInput<{ acknowledged?: boolean; limit: number }>(violationsQuery, req.query, 'query');
      res.json({ items: await spc.violations(id, query) });
    });
    app.post('/violations/:violationId/acknowledge', requireRole('operator'), async (req, res) => {
      const { reason } = validateInput<{ reason: string }>(acknowledgeBody, req.body ?? {}, 'body');
      res.json(await spc.acknowledge(req.params.violationId as string, reason, userOf(req)));
    });
  };
}
