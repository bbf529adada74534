import { parseArgs } from 'node:util';
import { ROLES, type Role } from '@roomcast/shared';
import { signToken } from '../auth/sign-token';
import { ROOM_PATTERN } from '../auth/claims';
import { loadConfig } from '../config/config';
import { ConfigError } from '../config/config-error';

const USAGE = `Mint a token with the configured key.

  npm run token -- --sub <subject> [--role viewer|operator|admin] [--rooms 'device:*,location:delhi'] [--ttl 12h]

Reads JWT_SECRET, or JWT_PRIVATE_KEY beside JWT_PUBLIC_KEY, and JWT_ISSUER / JWT_AUDIENCE, from the environment.`;

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function parseOptions() {
  try {
    return parseArgs({
      options: {
        sub: { type: 'string' },
        role: { type: 'string', default: 'viewer' },
        rooms: { type: 'string', multiple: true },
        ttl: { type: 'string', default: '12h' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    // An unknown or malformed option is a usage error, not a crash.
    fail((error as Error).message);
  }
}

function run(): void {
  const { values } = parseOptions();
  if (values.help === true) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (values.sub === undefined || values.sub.length === 0) fail('--sub is required');
  const role = values.role;
  if (!(ROLES as string[]).includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
  const rooms = values.rooms?.flatMap((item) => item.split(',')).map((item) => item.trim());
  const badRoom = rooms?.find((pattern) => !ROOM_PATTERN.test(pattern));
  if (badRoom !== undefined) fail(`--rooms: "${badRoom}" is not a room pattern such as device:* or location:delhi`);
  if (!/^\d+[smhd]?$/.test(values.ttl)) fail('--ttl must be a number of seconds or a duration such as 30m, 12h, 7d');

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    fail(error instanceof ConfigError ? error.message : String(error));
  }
  if (config.auth.ephemeral) {
    fail("no key configured: set JWT_SECRET (or JWT_PUBLIC_KEY with JWT_PRIVATE_KEY) to the gateway's key");
  }
  if (config.auth.signKey === null) fail('JWT_PUBLIC_KEY alone can only verify: set JWT_PRIVATE_KEY to mint tokens');
  const ttl = /^\d+$/.test(values.ttl) ? Number(values.ttl) : values.ttl;
  const claims = { sub: values.sub, role: role as Role, ...(rooms !== undefined ? { rooms } : {}) };
  process.stdout.write(`${signToken(config.auth, claims, ttl)}\n`);
}

run();
