import type { VerifyOptions } from 'jsonwebtoken';
import type { AuthConfig } from '../config/config';

/**
 * The one set of verification options, shared by the socket handshake and the
 * REST strategy: the algorithm is pinned (never `none`, never chosen by the token)
 * and `exp` is required.
 */
export function verifyOptions(auth: AuthConfig): VerifyOptions {
  const options: VerifyOptions = { algorithms: [auth.algorithm], clockTolerance: 5 };
  if (auth.issuer !== null) options.issuer = auth.issuer;
  if (auth.audience !== null) options.audience = auth.audience;
  return options;
}

/** Tokens without `exp` never expire; they are refused. */
export function requireExpiry(payload: object): string | null {
  return typeof (payload as { exp?: unknown }).exp === 'number' ? null : 'token has no exp claim';
}
