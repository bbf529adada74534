import jwt from 'jsonwebtoken';
import { ErrorCode, RoomcastError, type AuthUser } from '@roomcast/shared';
import type { AuthConfig } from '../config/config';
import { userFromClaims } from './claims';
import { requireExpiry, verifyOptions } from './jwt-options';

export type TokenVerifier = (token: string) => AuthUser;

/** Explains a jsonwebtoken failure without echoing the token. */
export function describeJwtError(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return 'token expired';
  if (error instanceof jwt.NotBeforeError) return 'token not active yet';
  if (error instanceof jwt.JsonWebTokenError) return `token rejected: ${error.message}`;
  return 'token rejected';
}

export function createTokenVerifier(auth: AuthConfig): TokenVerifier {
  const options = verifyOptions(auth);
  return (token) => {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, auth.verifyKey, options);
    } catch (error) {
      throw new RoomcastError(ErrorCode.UNAUTHORIZED, describeJwtError(error));
    }
    if (typeof payload === 'string') throw new RoomcastError(ErrorCode.UNAUTHORIZED, 'token payload is not an object');
    const missing = requireExpiry(payload);
    if (missing !== null) throw new RoomcastError(ErrorCode.UNAUTHORIZED, missing);
    return userFromClaims(payload);
  };
}
