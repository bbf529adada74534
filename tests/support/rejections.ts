import { RoomcastError } from '@roomcast/shared';

/** What a refused Socket.IO handshake rejects with: the gateway's `{ code, message }` in `data`. */
export interface HandshakeError extends Error {
  data?: { code: string; message: string };
}

/** The RoomcastError a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejection(promise: Promise<unknown>): Promise<RoomcastError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof RoomcastError) return error;
    throw error;
  }
  throw new Error('the promise resolved');
}

/** The error a connection attempt rejects with; fails the test if the handshake is accepted. */
export async function handshakeRejection(promise: Promise<unknown>): Promise<HandshakeError> {
  try {
    await promise;
  } catch (error) {
    return error as HandshakeError;
  }
  throw new Error('the handshake was accepted');
}

/** Whatever a promise rejects with (a driver's own error, say); fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('the promise resolved');
}
