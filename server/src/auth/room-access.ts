import { ErrorCode, RoomcastError, type AuthUser, type Role } from '@roomcast/shared';

const compiled = new Map<string, RegExp>();

function patternToRegExp(pattern: string): RegExp {
  let regexp = compiled.get(pattern);
  if (regexp === undefined) {
    const source = pattern.split('*').map(escape).join('.*');
    regexp = new RegExp(`^${source}$`);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(pattern, regexp);
  }
  return regexp;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether the user's room patterns allow a canonical room name. */
export function canAccessRoom(user: AuthUser, room: string): boolean {
  if (user.rooms === null) return true;
  return user.rooms.some((pattern) => patternToRegExp(pattern).test(room));
}

/**
 * The device ids a user's room patterns allow, as patterns over the id (`*` for any run of
 * characters); `null` when every device is allowed. A store filters with these, so a page of
 * a listing holds only rows the user may see.
 */
export function devicePatternsOf(user: AuthUser): string[] | null {
  if (user.rooms === null || user.rooms.includes('*')) return null;
  return user.rooms
    .filter((pattern) => pattern.startsWith('device:'))
    .map((pattern) => pattern.slice('device:'.length));
}

const RANK: Record<Role, number> = { viewer: 0, operator: 1, admin: 2 };

/** Roles are ordered: an admin may do what an operator may, an operator what a viewer may. */
export function hasRole(user: AuthUser, required: Role): boolean {
  return RANK[user.role] >= RANK[required];
}

/** Throws FORBIDDEN, naming what was refused, when the user's role is below the one required. */
export function requireRole(user: AuthUser, required: Role, what: string): void {
  if (!hasRole(user, required)) {
    throw new RoomcastError(ErrorCode.FORBIDDEN, `${what} needs the ${required} role; the token has ${user.role}`);
  }
}
