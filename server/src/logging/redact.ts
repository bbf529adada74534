/**
 * Tokens must never reach a log. Anything shaped like a JWT is replaced wherever
 * it appears, and fields whose names say they hold a credential are masked whole.
 */
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /(Bearer\s+)[^\s"',]+/gi;
const TOKEN_QUERY = /([?&](?:token|access_token)=)[^&\s"']+/gi;
const SECRET_KEYS = /^(token|access_token|authorization|password|secret|jwt_secret|jwt_private_key|mqtt_password)$/i;

export const REDACTED = '[redacted]';
/** What replaces objects nested too deep to walk (likely a cycle): never the unredacted object. */
export const TRUNCATED = '[truncated]';

export function redactText(text: string): string {
  return text.replace(JWT_SHAPE, REDACTED).replace(BEARER, `$1${REDACTED}`).replace(TOKEN_QUERY, `$1${REDACTED}`);
}

/** One named field: masked whole if its name says it holds a credential, else redacted by content. */
export function redactField(key: string, value: unknown, depth = 0): unknown {
  return SECRET_KEYS.test(key) ? REDACTED : redactValue(value, depth);
}

export function redactValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return TRUNCATED;
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message), code: (value as { code?: unknown }).code };
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = redactField(key, item, depth + 1);
  }
  return out;
}
