/**
 * Which browser origins may call the gateway: the ALLOWED_ORIGINS list, the
 * gateway's own origin (its dashboard), and outside production any localhost origin.
 * Requests without an Origin header (devices, servers, curl) are not browsers and pass.
 */
export interface OriginPolicyOptions {
  allowedOrigins: readonly string[];
  allowLocalhostOrigins: boolean;
}

const LOCALHOST = /^https?:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

export type OriginPolicy = (origin: string | undefined, host: string | undefined) => boolean;

export function createOriginPolicy(options: OriginPolicyOptions): OriginPolicy {
  const allowed = new Set(options.allowedOrigins);
  return (origin, host) => {
    if (origin === undefined) return true;
    if (allowed.has(origin)) return true;
    if (options.allowLocalhostOrigins && LOCALHOST.test(origin)) return true;
    return host !== undefined && sameHost(origin, host);
  };
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
