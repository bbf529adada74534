import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ErrorCode, RoomcastError, type ErrorCode as Code } from '@roomcast/shared';
import type { Logger } from '../logging/logger';

const STATUS: Record<Code, number> = {
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  BAD_REQUEST: 400,
  INVALID_ROOM: 400,
  NOT_SUBSCRIBED: 409,
  RATE_LIMITED: 429,
  LIMIT_EXCEEDED: 409,
  NOT_FOUND: 404,
  CONFLICT: 409,
  ORIGIN_NOT_ALLOWED: 403,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export function statusOf(code: Code): number {
  return STATUS[code];
}

export const notFound: RequestHandler = (req, _res, next) => {
  next(new RoomcastError(ErrorCode.NOT_FOUND, `no route for ${req.method} ${req.path}`));
};

/** body-parser reports malformed or oversized JSON with an HTTP status on the error. */
function clientErrorOf(error: unknown): RoomcastError | null {
  const status = (error as { status?: unknown; type?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new RoomcastError(ErrorCode.BAD_REQUEST, `invalid request body: ${(error as Error).message}`);
  }
  return null;
}

/** Every error leaves as `{ error: { code, message } }` with the code's status. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const known = error instanceof RoomcastError ? error : clientErrorOf(error);
    if (known === null) {
      logger.error('request failed', { method: req.method, path: req.path, error });
    }
    const body = known ?? new RoomcastError(ErrorCode.INTERNAL, 'internal error');
    res.status(statusOf(body.code)).json({ error: body.toBody() });
  };
}
