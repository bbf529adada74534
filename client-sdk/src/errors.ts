import { ErrorCode, isErrorCode, RoomcastError, type ErrorAck } from '@roomcast/shared';

/**
 * Every failure the SDK reports is a RoomcastError with one of the contract's codes: the
 * gateway's own code when it sent one, UNAVAILABLE when it could not be reached in time.
 */

/** A refused or failed handshake: the gateway puts `{ code, message }` in `connect_error.data`. */
export function connectError(error: Error & { data?: unknown }): RoomcastError {
  const data = error.data as { code?: unknown; message?: unknown } | undefined;
  if (data !== undefined && isErrorCode(data.code)) {
    return new RoomcastError(data.code, typeof data.message === 'string' ? data.message : error.message, {
      cause: error,
    });
  }
  return new RoomcastError(ErrorCode.UNAVAILABLE, `cannot reach the gateway: ${error.message}`, { cause: error });
}

export function closedError(): RoomcastError {
  return new RoomcastError(ErrorCode.UNAVAILABLE, 'the client was closed by disconnect()');
}

export function idleError(): RoomcastError {
  return new RoomcastError(ErrorCode.UNAVAILABLE, 'the client is not connecting: call connect()');
}

export function isErrorAck(ack: object): ack is ErrorAck {
  return 'code' in ack && (ack as { ok?: unknown }).ok === false;
}

/** Waits for an acknowledgement; an error ack, a timeout or a lost connection become a RoomcastError. */
export async function settle<T extends object>(pending: Promise<T | ErrorAck>): Promise<Exclude<T, ErrorAck>> {
  let ack: T | ErrorAck;
  try {
    ack = await pending;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RoomcastError(ErrorCode.UNAVAILABLE, `no answer from the gateway: ${reason}`, { cause: error });
  }
  if (isErrorAck(ack)) throw new RoomcastError(ack.code, ack.message);
  return ack as Exclude<T, ErrorAck>;
}
