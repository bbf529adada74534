import Joi from 'joi';
import { ErrorCode, ROLES, RoomcastError, type AuthUser, type Role } from '@roomcast/shared';

/**
 * A room pattern in a token: `*`, or `<kind>:<id>` where the id may contain `*`
 * wildcards (`device:*`, `sensor:greenhouse-*`, `location:delhi`).
 */
export const ROOM_PATTERN = /^(\*|(device|sensor|location|characteristic):[A-Za-z0-9._*-]{1,128})$/;

const claimsSchema = Joi.object({
  sub: Joi.string().min(1).max(256).required(),
  role: Joi.string()
    .valid(...ROLES)
    .required(),
  rooms: Joi.array().items(Joi.string().pattern(ROOM_PATTERN)).max(1000),
})
  .unknown(true)
  .prefs({ errors: { wrap: { label: false } } });

/** Validates a verified token's claims into the user a connection or request acts as. */
export function userFromClaims(payload: unknown): AuthUser {
  const { value, error } = claimsSchema.validate(payload);
  if (error) {
    throw new RoomcastError(ErrorCode.UNAUTHORIZED, `token claims are invalid: ${error.message}`);
  }
  const claims = value as { sub: string; role: Role; rooms?: string[] };
  const rooms = claims.rooms === undefined ? null : claims.rooms.map(normalisePattern);
  return { sub: claims.sub, role: claims.role, rooms };
}

function normalisePattern(pattern: string): string {
  return pattern.startsWith('location:') ? pattern.toLowerCase() : pattern;
}
