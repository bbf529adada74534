import { ErrorCode, RoomcastError } from '@roomcast/shared';

/**
 * SQLite result codes that say the write itself is wrong (a constraint, a type, a size, SQL
 * the database does not know): the same write fails the same way every time.
 */
const PERMANENT_SQLITE = /^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE|ERROR)/;

/** PostgreSQL SQLSTATE classes of the same kind: data exception, integrity constraint, syntax or access rule. */
const PERMANENT_SQLSTATE_CLASSES = new Set(['22', '23', '42']);

function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 10 && current instanceof Error && current.cause !== undefined; depth += 1) {
    current = current.cause;
  }
  return current;
}

/**
 * Whether a write the store refused as UNAVAILABLE may succeed if tried again later: the
 * database unreachable, restarting, locked or out of disk. A write the database refuses for
 * what it holds, or a bug on this side (a TypeError, say), is not worth another attempt.
 */
export function isTransientStoreError(error: unknown): boolean {
  if (!(error instanceof RoomcastError) || error.code !== ErrorCode.UNAVAILABLE) return false;
  const cause = innermost(error);
  if (cause instanceof TypeError || cause instanceof RangeError || cause instanceof SyntaxError) return false;
  const code = (cause as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return true;
  if (PERMANENT_SQLITE.test(code)) return false;
  if (/^[0-9A-Z]{5}$/.test(code)) return !PERMANENT_SQLSTATE_CLASSES.has(code.slice(0, 2));
  return true;
}
