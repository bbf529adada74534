import Joi from 'joi';
import { DEFAULTS } from './defaults';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;
export const LOG_FORMATS = ['json', 'pretty'] as const;

export type NodeEnv = (typeof NODE_ENVS)[number];
export type LogLevel = (typeof LOG_LEVELS)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

/** The environment after validation, with defaults applied. */
export interface ValidatedEnv {
  NODE_ENV: NodeEnv;
  PORT?: number;
  HTTP_PORT?: number;
  HOST: string;
  ALLOWED_ORIGINS: string[];
  LOG_LEVEL: LogLevel;
  LOG_FORMAT?: LogFormat;
  JWT_SECRET?: string;
  JWT_PUBLIC_KEY?: string;
  JWT_PRIVATE_KEY?: string;
  JWT_ISSUER?: string;
  JWT_AUDIENCE?: string;
  SOCKET_PING_INTERVAL_MS: number;
  SOCKET_PING_TIMEOUT_MS: number;
  SOCKET_MAX_INBOUND_BYTES: number;
  SOCKET_RATE_LIMIT: number;
  SOCKET_RATE_BURST: number;
  SOCKET_MAX_ROOMS: number;
  SHUTDOWN_TIMEOUT_MS: number;
  MQTT_URL?: string;
  MQTT_USERNAME?: string;
  MQTT_PASSWORD?: string;
  MQTT_CLIENT_ID: string;
  MQTT_EMBEDDED_PORT: number;
  MQTT_EMBEDDED_HOST: string;
  MQTT_SHARED_GROUP?: string;
  MQTT_ROUTES_FILE?: string;
  MQTT_MAX_PAYLOAD_BYTES: number;
  MQTT_RECONNECT_MIN_MS: number;
  MQTT_RECONNECT_MAX_MS: number;
  BROADCAST_MIN_INTERVAL_MS: number;
  BROADCAST_BATCH_INTERVAL_MS: number;
  INGEST_MAX_FUTURE_MS: number;
  DEAD_LETTER_CAPACITY: number;
  DATABASE_URL?: string;
  DATA_DIR: string;
  RETENTION_DAYS: number;
  PRUNE_INTERVAL_MS: number;
  STORE_BATCH_SIZE: number;
  STORE_FLUSH_INTERVAL_MS: number;
  STORE_MAX_PENDING: number;
  ALERT_RULES_FILE?: string;
  AQI_REFRESH_INTERVAL_MS: number;
  SPC_BASELINE_SAMPLES: number;
  SPC_CHARACTERISTICS_FILE?: string;
  DASHBOARD_DIR: string;
}

const origin = Joi.string()
  .custom((value: string, helpers) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      return helpers.error('origin.invalid');
    }
    if (!['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== value.replace(/\/$/, '')) {
      return helpers.error('origin.invalid');
    }
    return parsed.origin;
  })
  .messages({
    'origin.invalid': '{{#label}} must list origins such as https://dash.example.com (scheme, host and port only)',
  });

const port = Joi.number().integer().min(0).max(65535).messages({
  'number.base': '{{#label}} must be a port number (0-65535; 0 picks a free port)',
  'number.min': '{{#label}} must be a port number (0-65535; 0 picks a free port)',
  'number.max': '{{#label}} must be a port number (0-65535; 0 picks a free port)',
  'number.integer': '{{#label}} must be a port number (0-65535; 0 picks a free port)',
});

const positiveInt = (fallback: number, max = 86_400_000) => Joi.number().integer().min(1).max(max).default(fallback);

export const envSchema = Joi.object<ValidatedEnv>({
  NODE_ENV: Joi.string()
    .valid(...NODE_ENVS)
    .default('development'),
  PORT: port.empty(''),
  HTTP_PORT: port.empty(''),
  HOST: Joi.string().hostname().default(DEFAULTS.host),
  ALLOWED_ORIGINS: Joi.array().items(origin).default([]).empty(''),
  LOG_LEVEL: Joi.string()
    .valid(...LOG_LEVELS)
    .default(DEFAULTS.logLevel),
  LOG_FORMAT: Joi.string()
    .valid(...LOG_FORMATS)
    .empty(''),
  JWT_SECRET: Joi.string().min(32).empty('').messages({
    'string.min': '{{#label}} must be at least 32 characters (256 bits) for HS256',
  }),
  JWT_PUBLIC_KEY: Joi.string().empty(''),
  JWT_PRIVATE_KEY: Joi.string().empty(''),
  JWT_ISSUER: Joi.string().empty(''),
  JWT_AUDIENCE: Joi.string().empty(''),
  SOCKET_PING_INTERVAL_MS: positiveInt(DEFAULTS.pingIntervalMs),
  SOCKET_PING_TIMEOUT_MS: positiveInt(DEFAULTS.pingTimeoutMs),
  SOCKET_MAX_INBOUND_BYTES: positiveInt(DEFAULTS.maxInboundBytes, 16 * 1024 * 1024),
  SOCKET_RATE_LIMIT: positiveInt(DEFAULTS.rateLimitPerSecond, 100_000),
  SOCKET_RATE_BURST: positiveInt(DEFAULTS.rateLimitBurst, 100_000),
  SOCKET_MAX_ROOMS: positiveInt(DEFAULTS.maxRoomsPerSocket, 100_000),
  SHUTDOWN_TIMEOUT_MS: positiveInt(DEFAULTS.shutdownTimeoutMs, 600_000),
  MQTT_URL: Joi.string()
    .uri({ scheme: ['mqtt', 'mqtts', 'ws', 'wss'] })
    .empty('')
    .messages({ 'string.uriCustomScheme': '{{#label}} must be a mqtt://, mqtts://, ws:// or wss:// URL' }),
  MQTT_USERNAME: Joi.string().max(256).empty(''),
  MQTT_PASSWORD: Joi.string().max(1024).empty(''),
  MQTT_CLIENT_ID: Joi.string()
    .pattern(/^[A-Za-z0-9._-]{1,128}$/)
    .default(DEFAULTS.mqttClientId)
    .messages({ 'string.pattern.base': '{{#label}} must be 1-128 characters of [A-Za-z0-9._-]' }),
  MQTT_EMBEDDED_PORT: port.default(DEFAULTS.mqttEmbeddedPort),
  MQTT_EMBEDDED_HOST: Joi.string().hostname().default(DEFAULTS.mqttEmbeddedHost),
  MQTT_SHARED_GROUP: Joi.string()
    .pattern(/^[A-Za-z0-9_-]{1,64}$/)
    .empty('')
    .messages({ 'string.pattern.base': '{{#label}} must be 1-64 characters of [A-Za-z0-9_-]' }),
  MQTT_ROUTES_FILE: Joi.string().empty(''),
  MQTT_MAX_PAYLOAD_BYTES: positiveInt(DEFAULTS.mqttMaxPayloadBytes, 256 * 1024 * 1024),
  MQTT_RECONNECT_MIN_MS: positiveInt(DEFAULTS.mqttReconnectMinMs, 600_000),
  MQTT_RECONNECT_MAX_MS: positiveInt(DEFAULTS.mqttReconnectMaxMs, 3_600_000),
  BROADCAST_MIN_INTERVAL_MS: Joi.number().integer().min(0).max(3_600_000).default(DEFAULTS.broadcastMinIntervalMs),
  BROADCAST_BATCH_INTERVAL_MS: Joi.number().integer().min(0).max(1_000).default(DEFAULTS.broadcastBatchIntervalMs),
  INGEST_MAX_FUTURE_MS: Joi.number().integer().min(0).max(31_536_000_000).default(DEFAULTS.ingestMaxFutureMs),
  DEAD_LETTER_CAPACITY: positiveInt(DEFAULTS.deadLetterCapacity, 100_000),
  DATABASE_URL: Joi.string()
    .uri({ scheme: ['postgres', 'postgresql'] })
    .empty('')
    .messages({
      'string.uriCustomScheme': '{{#label}} must be a postgres:// URL (leave it unset for SQLite under DATA_DIR)',
      'string.uri': '{{#label}} must be a postgres:// URL (leave it unset for SQLite under DATA_DIR)',
    }),
  DATA_DIR: Joi.string().default(DEFAULTS.dataDir),
  RETENTION_DAYS: positiveInt(DEFAULTS.retentionDays, 36_500),
  PRUNE_INTERVAL_MS: positiveInt(DEFAULTS.pruneIntervalMs),
  STORE_BATCH_SIZE: positiveInt(DEFAULTS.storeBatchSize, 10_000),
  STORE_FLUSH_INTERVAL_MS: positiveInt(DEFAULTS.storeFlushIntervalMs, 60_000),
  STORE_MAX_PENDING: positiveInt(DEFAULTS.storeMaxPending, 10_000_000),
  ALERT_RULES_FILE: Joi.string().empty(''),
  AQI_REFRESH_INTERVAL_MS: positiveInt(DEFAULTS.aqiRefreshIntervalMs),
  SPC_BASELINE_SAMPLES: Joi.number().integer().min(2).max(1000).default(DEFAULTS.spcBaselineSamples),
  SPC_CHARACTERISTICS_FILE: Joi.string().empty(''),
  DASHBOARD_DIR: Joi.string().empty('').default(DEFAULTS.dashboardDir),
})
  .with('MQTT_SHARED_GROUP', 'MQTT_URL')
  .with('MQTT_PASSWORD', 'MQTT_USERNAME')
  .oxor('JWT_SECRET', 'JWT_PUBLIC_KEY')
  .messages({
    'object.oxor': 'set either JWT_SECRET (HS256) or JWT_PUBLIC_KEY (RS256/ES256), not both',
    'object.with': '{{#mainWithLabel}} is set, so {{#peerWithLabel}} must be set too',
  })
  .prefs({ abortEarly: false, convert: true, errors: { wrap: { label: false } } })
  .unknown(true);

/** Turns a comma list into an array before validation. */
export function splitList(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
