/**
 * Every error code roomcast puts on the wire. The same code travels in socket
 * acknowledgements, in `connect_error.data` and in REST error bodies.
 */
export const ErrorCode = {
  /** No token, or a token that failed verification (signature, expiry, issuer, audience, claims). */
  UNAUTHORIZED: 'UNAUTHORIZED',
  /** A valid token whose role or room patterns do not allow the request. */
  FORBIDDEN: 'FORBIDDEN',
  /** The request body or event payload does not match its schema. */
  BAD_REQUEST: 'BAD_REQUEST',
  /** A room name that is not `<kind>:<id>` with a known kind and a valid id. */
  INVALID_ROOM: 'INVALID_ROOM',
  /** The socket asked about a room it has not joined. */
  NOT_SUBSCRIBED: 'NOT_SUBSCRIBED',
  /** The socket sent events faster than its rate limit allows. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** A per-socket limit (such as the number of rooms) would be exceeded. */
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  /** The requested resource does not exist. */
  NOT_FOUND: 'NOT_FOUND',
  /** The request conflicts with the current state of the resource. */
  CONFLICT: 'CONFLICT',
  /** The request came from a browser origin that is not in ALLOWED_ORIGINS. */
  ORIGIN_NOT_ALLOWED: 'ORIGIN_NOT_ALLOWED',
  /** A dependency the request needs (store, broker) is not available right now. */
  UNAVAILABLE: 'UNAVAILABLE',
  /** An unexpected server fault; the details are logged, never sent. */
  INTERNAL: 'INTERNAL',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const codes: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && codes.has(value);
}
