import type { Writable } from 'node:stream';
import winston from 'winston';
import type { LogFormat, LogLevel } from '../config/env-schema';
import { redactField, redactText } from './redact';

export type Logger = winston.Logger;

const redact = winston.format((info) => {
  for (const key of Object.keys(info)) {
    info[key] = redactField(key, info[key]);
  }
  // An Error logged on its own arrives as the info object, with a message that is not enumerable.
  if (typeof info.message === 'string') info.message = redactText(info.message);
  return info;
});

const pretty = winston.format.printf((info) => {
  const { level, message, timestamp, component, ...rest } = info;
  const meta = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  const scope = typeof component === 'string' ? ` [${component}]` : '';
  return `${String(timestamp)} ${level}${scope} ${String(message)}${meta}`;
});

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go; stdout by default. */
  stream?: Writable;
}

/** JSON lines in production, readable coloured lines in development; credentials redacted in both. */
export function createLogger(options: LoggerOptions): Logger {
  const format =
    options.format === 'json'
      ? winston.format.combine(redact(), winston.format.timestamp(), winston.format.json())
      : winston.format.combine(
          redact(),
          winston.format.timestamp(),
          // colorize({ level: false }) still colours the level: leave it out for streams.
          ...(options.stream === undefined ? [winston.format.colorize()] : []),
          pretty,
        );
  const transport =
    options.stream === undefined
      ? new winston.transports.Console()
      : new winston.transports.Stream({ stream: options.stream });
  return winston.createLogger({ level: options.level, format, transports: [transport] });
}

/** A logger that writes nothing, for embedding the gateway where logs are unwanted. */
export function silentLogger(): Logger {
  return winston.createLogger({ silent: true, transports: [new winston.transports.Console({ silent: true })] });
}
