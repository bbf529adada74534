import jwt from 'jsonwebtoken';
import type { Role } from '@roomcast/shared';
import type { AuthConfig } from '../config/config';

export interface TokenClaims {
  sub: string;
  role: Role;
  rooms?: string[];
}

/** Signs a token with the configured key; `expiresIn` such as "12h" or a number of seconds. */
export function signToken(auth: AuthConfig, claims: TokenClaims, expiresIn: string | number): string {
  if (auth.signKey === null) {
    throw new Error('no signing key: set JWT_SECRET, or JWT_PRIVATE_KEY beside JWT_PUBLIC_KEY');
  }
  const options: jwt.SignOptions = {
    algorithm: auth.algorithm,
    expiresIn: expiresIn as jwt.SignOptions['expiresIn'],
  };
  if (auth.issuer !== null) options.issuer = auth.issuer;
  if (auth.audience !== null) options.audience = auth.audience;
  return jwt.sign({ ...claims }, auth.signKey, options);
}
