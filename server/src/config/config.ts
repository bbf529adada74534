import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError } from './config-error';
import { DEFAULTS } from './defaults';
import { envSchema, splitList, type LogFormat, type LogLevel, type NodeEnv, type ValidatedEnv } from './env-schema';
import { isKeyPair, readPrivateKey, readPublicKey } from './keys';
import { compileRoutes, DEFAULT_ROUTES, type Route } from '../ingest/routes';
import { loadRoutesFile } from '../ingest/routes-file';
import { loadRulesFile, type AlertRule } from '../alerts/alert-rule';
import { loadCharacteristicsFile, type CharacteristicSeed } from '../spc/characteristic';

export type JwtAlgorithm = 'HS256' | 'RS256' | 'ES256';

export interface AuthConfig {
  /** The only algorithm tokens may be signed with. */
  readonly algorithm: JwtAlgorithm;
  /** The HS256 secret or the PEM public key. */
  readonly verifyKey: string;
  /** What `npm run token` signs with: the secret, JWT_PRIVATE_KEY, or null. */
  readonly signKey: string | null;
  /** True when no key was configured and one was made for this process (development only). */
  readonly ephemeral: boolean;
  readonly issuer: string | null;
  readonly audience: string | null;
}

export interface GatewayConfig {
  readonly env: NodeEnv;
  readonly version: string;
  readonly http: {
    readonly host: string;
    readonly port: number;
    readonly allowedOrigins: readonly string[];
    /** Outside production, any http://localhost or 127.0.0.1 origin is allowed too. */
    readonly allowLocalhostOrigins: boolean;
  };
  readonly log: { readonly level: LogLevel; readonly format: LogFormat };
  readonly auth: AuthConfig;
  readonly socket: {
    readonly pingIntervalMs: number;
    readonly pingTimeoutMs: number;
    readonly maxInboundBytes: number;
    readonly rateLimitPerSecond: number;
    readonly rateLimitBurst: number;
    readonly maxRoomsPerSocket: number;
  };
  readonly mqtt: MqttConfig;
  readonly ingest: {
    readonly maxPayloadBytes: number;
    readonly maxFutureMs: number;
    readonly deadLetterCapacity: number;
  };
  readonly broadcast: { readonly minIntervalMs: number; readonly batchIntervalMs: number };
  readonly store: {
    /** PostgreSQL when set; otherwise SQLite under dataDir. */
    readonly databaseUrl: string | null;
    readonly dataDir: string;
    readonly retentionDays: number;
    readonly pruneIntervalMs: number;
    readonly batchSize: number;
    readonly flushIntervalMs: number;
    readonly maxPending: number;
  };
  readonly aqi: { readonly refreshIntervalMs: number };
  readonly spc: {
    readonly baselineSamples: number;
    /** Characteristics from SPC_CHARACTERISTICS_FILE, created at start-up when they do not exist yet. */
    readonly seed: readonly CharacteristicSeed[];
  };
  readonly alerts: {
    /** Rules from ALERT_RULES_FILE, validated at start-up; rules saved through REST take precedence. */
    readonly rules: readonly AlertRule[];
    readonly rulesFile: string | null;
  };
  readonly dashboard: {
    /** The folder of the built dashboard (index.html and assets/), absolute. */
    readonly dir: string;
  };
  readonly shutdownTimeoutMs: number;
}

export interface MqttConfig {
  /** The external broker, or null to start the embedded one. */
  readonly url: string | null;
  readonly username: string | null;
  readonly password: string | null;
  readonly clientId: string;
  readonly embedded: { readonly host: string; readonly port: number };
  /** When set, subscriptions are `$share/<group>/<filter>` so instances split the stream. */
  readonly sharedGroup: string | null;
  /** The topic routes: MQTT_ROUTES_FILE's when set (it replaces the defaults), else the defaults. */
  readonly routes: readonly Route[];
  readonly reconnect: { readonly minMs: number; readonly maxMs: number };
}

export type Env = Readonly<Record<string, string | undefined>>;

function readVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '../../package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function authConfig(env: ValidatedEnv, problems: string[]): AuthConfig | null {
  const issuer = env.JWT_ISSUER ?? null;
  const audience = env.JWT_AUDIENCE ?? null;
  if (env.JWT_SECRET !== undefined) {
    if (env.JWT_PRIVATE_KEY !== undefined) problems.push('JWT_PRIVATE_KEY is only used with JWT_PUBLIC_KEY');
    return {
      algorithm: 'HS256',
      verifyKey: env.JWT_SECRET,
      signKey: env.JWT_SECRET,
      ephemeral: false,
      issuer,
      audience,
    };
  }
  if (env.JWT_PUBLIC_KEY !== undefined) {
    let publicKey: ReturnType<typeof readPublicKey>;
    try {
      publicKey = readPublicKey(env.JWT_PUBLIC_KEY);
    } catch (error) {
      problems.push(`JWT_PUBLIC_KEY must be a PEM public key (RSA or EC P-256): ${(error as Error).message}`);
      return null;
    }
    let signKey: string | null = null;
    if (env.JWT_PRIVATE_KEY !== undefined) {
      try {
        const privateKey = readPrivateKey(env.JWT_PRIVATE_KEY);
        if (privateKey.algorithm !== publicKey.algorithm) {
          problems.push(
            `JWT_PRIVATE_KEY is a ${privateKey.algorithm} key but JWT_PUBLIC_KEY is ${publicKey.algorithm}`,
          );
        } else if (!isKeyPair(privateKey.pem, publicKey.pem)) {
          problems.push('JWT_PRIVATE_KEY is not the private key of JWT_PUBLIC_KEY: tokens it signs would be refused');
        }
        signKey = privateKey.pem;
      } catch (error) {
        problems.push(`JWT_PRIVATE_KEY must be a PEM private key: ${(error as Error).message}`);
      }
    }
    return { algorithm: publicKey.algorithm, verifyKey: publicKey.pem, signKey, ephemeral: false, issuer, audience };
  }
  if (env.NODE_ENV === 'production') {
    problems.push(
      'JWT_SECRET or JWT_PUBLIC_KEY is required when NODE_ENV=production: without a key no token can be verified',
    );
    return null;
  }
  const secret = randomBytes(32).toString('base64url');
  return { algorithm: 'HS256', verifyKey: secret, signKey: secret, ephemeral: true, issuer, audience };
}

function routesConfig(env: ValidatedEnv, problems: string[]): readonly Route[] | null {
  if (env.MQTT_ROUTES_FILE === undefined) return DEFAULT_ROUTES;
  try {
    const routes = loadRoutesFile(env.MQTT_ROUTES_FILE);
    compileRoutes(routes);
    return routes;
  } catch (error) {
    problems.push(`MQTT_ROUTES_FILE: ${(error as Error).message}`);
    return null;
  }
}

function alertRulesConfig(env: ValidatedEnv, problems: string[]): readonly AlertRule[] | null {
  if (env.ALERT_RULES_FILE === undefined) return [];
  try {
    return loadRulesFile(env.ALERT_RULES_FILE);
  } catch (error) {
    problems.push(`ALERT_RULES_FILE: ${(error as Error).message}`);
    return null;
  }
}

function spcSeedConfig(env: ValidatedEnv, problems: string[]): readonly CharacteristicSeed[] | null {
  if (env.SPC_CHARACTERISTICS_FILE === undefined) return [];
  try {
    return loadCharacteristicsFile(env.SPC_CHARACTERISTICS_FILE, env.SPC_BASELINE_SAMPLES);
  } catch (error) {
    problems.push(`SPC_CHARACTERISTICS_FILE: ${(error as Error).message}`);
    return null;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads and validates the environment once, into one frozen object.
 * Throws a ConfigError naming every bad variable.
 */
export function loadConfig(source: Env = process.env): GatewayConfig {
  const input = { ...source, ALLOWED_ORIGINS: splitList(source.ALLOWED_ORIGINS) };
  const { value, error } = envSchema.validate(input);
  const problems = error ? error.details.map((detail) => detail.message) : [];
  const env = value as ValidatedEnv;
  const auth = error ? null : authConfig(env, problems);
  const routes = error ? null : routesConfig(env, problems);
  const alertRules = error ? null : alertRulesConfig(env, problems);
  const spcSeed = error ? null : spcSeedConfig(env, problems);
  if (problems.length > 0 || auth === null || routes === null || alertRules === null || spcSeed === null) {
    throw new ConfigError(problems);
  }

  return deepFreeze<GatewayConfig>({
    env: env.NODE_ENV,
    version: readVersion(),
    http: {
      host: env.HOST,
      port: env.PORT ?? env.HTTP_PORT ?? DEFAULTS.port,
      allowedOrigins: env.ALLOWED_ORIGINS,
      allowLocalhostOrigins: env.NODE_ENV !== 'production',
    },
    log: { level: env.LOG_LEVEL, format: env.LOG_FORMAT ?? (env.NODE_ENV === 'production' ? 'json' : 'pretty') },
    auth,
    socket: {
      pingIntervalMs: env.SOCKET_PING_INTERVAL_MS,
      pingTimeoutMs: env.SOCKET_PING_TIMEOUT_MS,
      maxInboundBytes: env.SOCKET_MAX_INBOUND_BYTES,
      rateLimitPerSecond: env.SOCKET_RATE_LIMIT,
      rateLimitBurst: env.SOCKET_RATE_BURST,
      maxRoomsPerSocket: env.SOCKET_MAX_ROOMS,
    },
    mqtt: {
      url: env.MQTT_URL ?? null,
      username: env.MQTT_USERNAME ?? null,
      password: env.MQTT_PASSWORD ?? null,
      clientId: env.MQTT_CLIENT_ID,
      embedded: { host: env.MQTT_EMBEDDED_HOST, port: env.MQTT_EMBEDDED_PORT },
      sharedGroup: env.MQTT_SHARED_GROUP ?? null,
      routes,
      reconnect: { minMs: env.MQTT_RECONNECT_MIN_MS, maxMs: env.MQTT_RECONNECT_MAX_MS },
    },
    ingest: {
      maxPayloadBytes: env.MQTT_MAX_PAYLOAD_BYTES,
      maxFutureMs: env.INGEST_MAX_FUTURE_MS,
      deadLetterCapacity: env.DEAD_LETTER_CAPACITY,
    },
    broadcast: { minIntervalMs: env.BROADCAST_MIN_INTERVAL_MS, batchIntervalMs: env.BROADCAST_BATCH_INTERVAL_MS },
    store: {
      databaseUrl: env.DATABASE_URL ?? null,
      dataDir: env.DATA_DIR,
      retentionDays: env.RETENTION_DAYS,
      pruneIntervalMs: env.PRUNE_INTERVAL_MS,
      batchSize: env.STORE_BATCH_SIZE,
      flushIntervalMs: env.STORE_FLUSH_INTERVAL_MS,
      maxPending: env.STORE_MAX_PENDING,
    },
    alerts: { rules: alertRules, rulesFile: env.ALERT_RULES_FILE ?? null },
    aqi: { refreshIntervalMs: env.AQI_REFRESH_INTERVAL_MS },
    spc: { baselineSamples: env.SPC_BASELINE_SAMPLES, seed: spcSeed },
    dashboard: { dir: resolve(env.DASHBOARD_DIR) },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
  });
}
