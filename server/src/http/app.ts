import cors from 'cors';
import express, { type Express, type IRouter, type RequestHandler } from 'express';
import { ErrorCode, RoomcastError } from '@roomcast/shared';
import type { HealthRegistry } from '../health/health-registry';
import type { Logger } from '../logging/logger';
import { errorHandler, notFound } from './errors';
import type { OriginPolicy } from './origin-policy';

export interface AppDeps {
  logger: Logger;
  health: HealthRegistry;
  originPolicy: OriginPolicy;
  /** The REST API's routes; a router, so parts built after the app can still add theirs. */
  api: IRouter;
}

function refuseForeignOrigins(policy: OriginPolicy): RequestHandler {
  return (req, _res, next) => {
    const origin = req.headers.origin;
    if (policy(origin, req.headers.host)) return next();
    next(new RoomcastError(ErrorCode.ORIGIN_NOT_ALLOWED, `origin ${origin ?? ''} is not in ALLOWED_ORIGINS`));
  };
}

function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      // req.path, never req.url: a query string may carry a token.
      logger.http('request', {
        method: req.method,
        path: req.path,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  };
}

export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 1);
  app.use(logRequests(deps.logger));
  app.use(refuseForeignOrigins(deps.originPolicy));
  app.use(cors({ origin: true, credentials: false, maxAge: 600 }));
  app.use(express.json({ limit: '64kb' }));

  app.get('/health', (_req, res) => {
    res.json(deps.health.report());
  });
  app.use(deps.api);

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
