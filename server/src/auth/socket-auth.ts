import type { IncomingMessage } from 'node:http';
import { BATCH_AUTH_FIELD, ErrorCode, RoomcastError } from '@roomcast/shared';
import type { GatewayServer, GatewaySocket } from '../realtime/types';
import type { TokenVerifier } from './token-verifier';

/** The handshake token: `auth.token` first, then an `Authorization: Bearer` header, then `?token=`. */
export function handshakeToken(auth: unknown, request: IncomingMessage): string | null {
  const fromAuth = (auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return fromAuth;
  const header = request.headers.authorization;
  if (typeof header === 'string') {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (match?.[1] !== undefined) return match[1];
  }
  const query = new URL(request.url ?? '/', 'http://localhost').searchParams.get('token');
  return query !== null && query.length > 0 ? query : null;
}

/** `auth.batch`: absent or false for one event per frame, true for batches. */
export function handshakeBatching(auth: unknown): boolean {
  const value = (auth as Record<string, unknown> | undefined)?.[BATCH_AUTH_FIELD];
  if (value === undefined || typeof value === 'boolean') return value === true;
  throw new RoomcastError(ErrorCode.BAD_REQUEST, `auth.${BATCH_AUTH_FIELD} must be true or false`);
}

/** A failed handshake reaches the client as `connect_error` with `data: { code, message }`. */
function handshakeError(error: RoomcastError): Error & { data: { code: string; message: string } } {
  return Object.assign(new Error(error.message), { data: error.toBody() });
}

export function useSocketAuth(io: GatewayServer, verify: TokenVerifier): void {
  io.use((socket: GatewaySocket, next) => {
    const token = handshakeToken(socket.handshake.auth, socket.request);
    if (token === null) {
      next(
        handshakeError(
          new RoomcastError(
            ErrorCode.UNAUTHORIZED,
            'a token is required: pass it as auth.token, an Authorization Bearer header or ?token=',
          ),
        ),
      );
      return;
    }
    try {
      socket.data.user = verify(token);
      socket.data.batch = handshakeBatching(socket.handshake.auth);
      next();
    } catch (error) {
      next(
        handshakeError(
          error instanceof RoomcastError ? error : new RoomcastError(ErrorCode.UNAUTHORIZED, 'token rejected'),
        ),
      );
    }
  });
}
