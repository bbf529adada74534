import { access } from 'node:fs/promises';
import { join } from 'node:path';
import express, { type IRouter, type RequestHandler, type Response } from 'express';
import { ErrorCode, RoomcastError } from '@roomcast/shared';

export interface DashboardOptions {
  /** The built dashboard: `index.html` and `assets/` (see server/scripts/build-dashboard.ts). */
  readonly dir: string;
}

/**
 * The page's policy. Scripts and stylesheets come only from this origin; no `'unsafe-inline'` is
 * needed, because uPlot and the dashboard set styles through the CSSOM (`element.style.x = …`),
 * which CSP does not restrict, never through style attributes or <style> elements. `connect-src`
 * names ws: and wss: as well as 'self' because browsers before CSP 3 do not count the page's own
 * WebSocket origin as 'self'.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  // The page has buttons that acknowledge alerts: it must not be framed by another site.
  "frame-ancestors 'none'",
].join('; ');

function setCommonHeaders(res: Response): void {
  res.setHeader('X-Content-Type-Options', 'nosniff');
}

/**
 * Serves the built dashboard: `GET /` answers index.html and `GET /assets/*` its hashed files.
 * It is middleware rather than routes, mounted on the API router after every API route, so the
 * REST API's paths always win, unknown paths still reach the JSON 404, and the route table that
 * docs/openapi.yaml is checked against stays exactly the REST API.
 */
export function mountDashboardRoute(options: DashboardOptions): (app: IRouter) => void {
  const indexFile = join(options.dir, 'index.html');
  // Asset names carry a content hash, so a browser may keep them for good; index.html names the current ones.
  const assets = express.static(options.dir, {
    index: false,
    redirect: false,
    dotfiles: 'ignore',
    fallthrough: true,
    immutable: true,
    maxAge: '365d',
    setHeaders: setCommonHeaders,
  });

  const handler: RequestHandler = (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path.startsWith('/assets/')) return assets(req, res, next);
    if (req.path !== '/' && req.path !== '/index.html') return next();
    // Checked on each request rather than at start-up, so a dashboard built while the gateway runs is served.
    access(indexFile).then(
      () => {
        setCommonHeaders(res);
        res.setHeader('Cache-Control', 'no-cache');
        res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
        // The first request may carry ?token=: never hand that URL on as a Referer.
        res.setHeader('Referrer-Policy', 'no-referrer');
        res.sendFile(indexFile, { dotfiles: 'deny', lastModified: false, cacheControl: false }, (error) => {
          if (error !== undefined && !res.headersSent) next(error);
        });
      },
      () => {
        next(
          new RoomcastError(
            ErrorCode.UNAVAILABLE,
            'the dashboard is not built: run `npm run build` (`npm start` builds first), or point DASHBOARD_DIR at a built one',
          ),
        );
      },
    );
  };

  return (app) => {
    app.use(handler);
  };
}
