import { ErrorCode, RoomcastError } from '@roomcast/shared';
import type { ClientOptions, Transport } from './types';

/** Every default of `createClient`, in one place (documented with `@default` on ClientOptions). */
export const DEFAULTS = {
  minDelayMs: 500,
  maxDelayMs: 20_000,
  transports: ['websocket', 'polling'] as Transport[],
  autoConnect: true,
  requestTimeoutMs: 10_000,
} as const;

export interface ResolvedOptions {
  url: string;
  /** Asked before every connection attempt. */
  token: () => string | Promise<string>;
  /** A fixed token cannot change, so its refusal is final (retrying would only hammer the gateway). */
  fixedToken: boolean;
  minDelayMs: number;
  maxDelayMs: number;
  transports: Transport[];
  autoConnect: boolean;
  requestTimeoutMs: number;
}

function invalid(message: string): RoomcastError {
  return new RoomcastError(ErrorCode.BAD_REQUEST, `createClient: ${message}`);
}

function positive(value: number | undefined, fallback: number, name: string): number {
  const resolved = value ?? fallback;
  if (!Number.isFinite(resolved) || resolved <= 0) throw invalid(`${name} must be a positive number of ms`);
  return resolved;
}

/** Merges the defaults once and rejects options that cannot work (JavaScript callers get no compiler). */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  if (typeof options.url !== 'string' || options.url.length === 0) throw invalid('url is required');
  let token: ResolvedOptions['token'];
  let fixedToken: boolean;
  if (typeof options.getToken === 'function') {
    token = options.getToken;
    fixedToken = false;
  } else if (typeof options.token === 'string' && options.token.length > 0) {
    const fixed = options.token;
    token = () => fixed;
    fixedToken = true;
  } else {
    throw invalid('pass a token or a getToken function');
  }
  const minDelayMs = positive(options.reconnect?.minDelayMs, DEFAULTS.minDelayMs, 'reconnect.minDelayMs');
  const maxDelayMs = positive(options.reconnect?.maxDelayMs, DEFAULTS.maxDelayMs, 'reconnect.maxDelayMs');
  if (maxDelayMs < minDelayMs) throw invalid('reconnect.maxDelayMs must not be below reconnect.minDelayMs');
  const transports = options.transports ?? DEFAULTS.transports;
  if (transports.length === 0) throw invalid('transports must list at least one transport');
  return {
    url: options.url,
    token,
    fixedToken,
    minDelayMs,
    maxDelayMs,
    transports: [...transports],
    autoConnect: options.autoConnect ?? DEFAULTS.autoConnect,
    requestTimeoutMs: positive(options.requestTimeoutMs, DEFAULTS.requestTimeoutMs, 'requestTimeoutMs'),
  };
}
