import type { IRouter, RequestHandler } from 'express';
import type { Role } from '@roomcast/shared';

/** GET /me: who the Bearer token says the caller is (dashboards use it to show or hide operator actions). */
export function mountMeRoute(requireRole: (role: Role) => RequestHandler): (app: IRouter) => void {
  return (app) => {
    app.get('/me', requireRole('viewer'), (req, res) => {
      res.json(req.authUser);
    });
  };
}
