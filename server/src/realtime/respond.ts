import { ErrorCode, RoomcastError, type ErrorAck } from '@roomcast/shared';
import type { Logger } from '../logging/logger';
import type { TokenBucket } from './token-bucket';

export interface RespondContext {
  limiter: TokenBucket;
  logger: Logger;
  socketId: string;
}

function errorAck(code: ErrorAck['code'], message: string): ErrorAck {
  return { ok: false, code, message };
}

/**
 * Runs one inbound event: rate limit, then the handler, then the acknowledgement.
 * A RoomcastError becomes an error ack; anything else is logged once and answered
 * with INTERNAL, so no client input can throw out of a listener. A client that sent
 * no callback gets no ack, and the event still runs.
 */
export function respond<R>(context: RespondContext, event: string, ack: unknown, handler: () => R | Promise<R>): void {
  const reply = (result: R | ErrorAck): void => {
    if (typeof ack === 'function') (ack as (result: R | ErrorAck) => void)(result);
  };
  if (!context.limiter.tryTake()) {
    reply(errorAck(ErrorCode.RATE_LIMITED, `too many events: slow down (event "${event}" was not processed)`));
    return;
  }
  Promise.resolve()
    .then(handler)
    .then(reply, (error: unknown) => {
      if (error instanceof RoomcastError) {
        reply(errorAck(error.code, error.message));
        return;
      }
      context.logger.error('socket event handler failed', { event, socketId: context.socketId, error });
      reply(errorAck(ErrorCode.INTERNAL, 'internal error'));
    });
}
