import type { IRouter, RequestHandler } from 'express';
import type { Role } from '@roomcast/shared';
import type { AlertService } from '../../alerts/alert-service';
import { userOf } from '../require-room';

/** GET and PUT /alert-rules (admin): the rule set, where it came from, and who changed it last. */
export function mountAlertRulesRoutes(
  requireRole: (role: Role) => RequestHandler,
  alerts: AlertService,
): (app: IRouter) => void {
  return (app) => {
    app.get('/alert-rules', requireRole('admin'), (_req, res) => {
      res.json(alerts.rules());
    });
    app.put('/alert-rules', requireRole('admin'), async (req, res) => {
      res.json(await alerts.replaceRules(req.body, userOf(req)));
    });
  };
}
