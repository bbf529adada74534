import type { IRouter, RequestHandler } from 'express';
import Joi from 'joi';
import type { Role } from '@roomcast/shared';
import type { AlertService } from '../../alerts/alert-service';
import { canAccessRoom, devicePatternsOf } from '../../auth/room-access';
import type { AlertQuery, Store } from '../../store/store';
import { requireRoom, userOf } from '../require-room';
import { validateInput } from '../validate-query';

const listQuery = Joi.object({
  status: Joi.string().valid('active', 'cleared', 'all').default('all'),
  acknowledged: Joi.boolean().truthy('true').falsy('false'),
  limit: Joi.number().integer().min(1).max(1000).default(100),
  cursor: Joi.string().max(200),
});

export const acknowledgeBody = Joi.object({ reason: Joi.string().trim().min(1).max(500).required() });

type ListQuery = Omit<AlertQuery, 'deviceId'>;

/**
 * GET /devices/:deviceId/alerts and GET /alerts (viewer; filters status and acknowledged,
 * paginated), POST /devices/:deviceId/alerts/:alertId/acknowledge (operator).
 */
export function mountAlertRoutes(
  requireRole: (role: Role) => RequestHandler,
  store: Store,
  alerts: AlertService,
): (app: IRouter) => void {
  return (app) => {
    app.get('/devices/:deviceId/alerts', requireRole('viewer'), async (req, res) => {
      requireRoom(req, 'device', req.params.deviceId);
      const query = validateInput<ListQuery>(listQuery, req.query, 'query');
      res.json(await store.alerts({ ...query, deviceId: req.params.deviceId as string }));
    });

    app.get('/alerts', requireRole('viewer'), async (req, res) => {
      const query = validateInput<ListQuery>(listQuery, req.query, 'query');
      const user = userOf(req);
      // A token limited to some rooms sees only the alerts of devices it may subscribe to: the
      // store selects them, so a page is as full as `limit` allows; the check below is a second line.
      const devicePatterns = devicePatternsOf(user);
      const page = await store.alerts(devicePatterns === null ? query : { ...query, devicePatterns });
      res.json({ ...page, items: page.items.filter((alert) => canAccessRoom(user, `device:${alert.deviceId}`)) });
    });

    app.post('/devices/:deviceId/alerts/:alertId/acknowledge', requireRole('operator'), async (req, res) => {
      requireRoom(req, 'device', req.params.deviceId);
      const { reason } = validateInput<{ reason: string }>(acknowledgeBody, req.body ?? {}, 'body');
      const alert = await alerts.acknowledge(
        req.params.alertId as string,
        reason,
        userOf(req),
        req.params.deviceId as string,
      );
      res.json(alert);
    });
  };
}
