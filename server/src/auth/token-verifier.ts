import { createPublicKey, createSecretKey, type KeyObject } from 'node:crypto';
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

/**
 * The key, parsed once. Given a string, jsonwebtoken parses it again for every token (and
 * for a secret, first tries it as a public key): work every handshake of a reconnect storm pays.
 */
function verificationKey(auth: AuthConfig): KeyObject {
  return auth.algorithm === 'HS256'
    ? createSecretKey(Buffer.from(auth.verifyKey, 'utf8'))
    : createPublicKey(auth.verifyKey);
}

export function createTokenVerifier(auth: AuthConfig): TokenVerifier {
  const options = verifyOptions(auth);
  const key = verificationKey(auth);
  return (token) => {
    let payload: string | jwt.JwtPayload;
    try {
      payload = jwt.verify(token, key, options);
    } catch (error) {
      throw new RoomcastError(ErrorCode.UNAUTHORIZED, describeJwtError(error));
    }
    if (typeof payload === 'string') throw new RoomcastError(ErrorCode.UNAUTHORIZED, 'token payload is not an object');
    const missing = requireExpiry(payload);
    if (missing !== null) throw new RoomcastError(ErrorCode.UNAUTHORIZED, missing);
    return userFromClaims(payload);
  };
}
