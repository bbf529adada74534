import type Joi from 'joi';
import { ID_RULE, isValidId } from '@roomcast/shared';
import type { IsoTimestamp } from '@roomcast/shared';
import type { RejectReason } from './types';

/**
 * Shared steps of every normaliser. Each returns a value or a rejection instead of
 * throwing, so a normaliser reads as a straight sequence of checks and a bad
 * message never costs a stack trace.
 *
 * Rejection messages end up in the dead-letter list an operator reads: they name
 * the field and the rule, quote at most a short excerpt of what the device sent
 * (never the whole payload) and are cut to MAX_MESSAGE_LENGTH.
 */

export interface Rejection {
  ok: false;
  reason: RejectReason;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | Rejection;

/** Long enough for joi's explanation plus a quoted excerpt, short enough for a list view. */
export const MAX_MESSAGE_LENGTH = 300;
const MAX_EXCERPT_LENGTH = 40;

export function accept<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function reject(reason: RejectReason, message: string): Rejection {
  const bounded = message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message;
  return { ok: false, reason, message: bounded };
}

/** A short, JSON-quoted excerpt of device text: quoting escapes control characters and line breaks. */
export function excerpt(text: string): string {
  return text.length > MAX_EXCERPT_LENGTH
    ? `${JSON.stringify(text.slice(0, MAX_EXCERPT_LENGTH))}…`
    : JSON.stringify(text);
}

/** `fatal` makes malformed bytes an error instead of U+FFFD, which would otherwise slip into ids and metrics. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The payload as text; empty, blank and non-UTF-8 payloads count as `not_json` (nothing decodable). */
export function parseText(payload: Buffer): Parsed<string> {
  if (payload.length === 0) return reject('not_json', 'payload is empty');
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return reject('not_json', `payload is not valid UTF-8 (${payload.length} bytes)`);
  }
  if (text.trim() === '') return reject('not_json', `payload is blank (${payload.length} bytes of white space)`);
  return accept(text);
}

/**
 * Parses UTF-8 JSON. V8's SyntaxError quotes the payload, so the message is ours:
 * it gives only the size, never the content.
 */
export function parseJson(payload: Buffer): Parsed<unknown> {
  const text = parseText(payload);
  if (!text.ok) return text;
  return parseJsonText(text.value, payload.length);
}

export function parseJsonText(text: string, bytes: number): Parsed<unknown> {
  try {
    return accept(JSON.parse(text) as unknown);
  } catch {
    return reject('not_json', `payload is not valid JSON (${bytes} bytes)`);
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every family publishes a JSON object; saying so beats joi's "value must be of type object". */
export function requireObject(value: unknown, what: string): Parsed<Record<string, unknown>> {
  if (isPlainObject(value)) return accept(value);
  return reject('invalid_payload', `${what} must be a JSON object, got ${describe(value)}`);
}

/** `invalid_id` with the id rule spelled out, so the operator knows what the device should send. */
export function checkId(value: unknown, what: string): Parsed<string> {
  if (isValidId(value)) return accept(value);
  if (typeof value !== 'string') {
    return reject('invalid_id', `${what} must be a string of ${ID_RULE}, got ${describe(value)}`);
  }
  return reject('invalid_id', `${what} ${excerpt(value)} must be ${ID_RULE}`);
}

const JOI_OPTIONS: Joi.ValidationOptions = {
  abortEarly: true,
  // Devices must send numbers as numbers: "42" or "NaN" is a firmware bug worth seeing, not something to coerce.
  convert: false,
  errors: { wrap: { label: false } },
};

/**
 * Runs a joi schema and turns its first error into `invalid_payload`. joi's
 * message names the field by its path (`values[3] must be a number`).
 */
export function validateWith<T>(schema: Joi.ObjectSchema<T>, value: unknown): Parsed<T> {
  const result = schema.validate(value, JOI_OPTIONS);
  if (result.error) return reject('invalid_payload', result.error.message);
  return accept(result.value);
}

/**
 * Timestamps before this (1973-03-03T09:46:40Z as epoch milliseconds) are refused:
 * they come from a device whose clock was never set or that sends epoch seconds,
 * and storing them would file the reading half a century in the past.
 */
export const MIN_TIMESTAMP_MS = 1e11;
/** 9999-12-31T23:59:59.999Z: beyond it toISOString switches to six-digit years. */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;

/** ISO 8601 date-time with a zone designator; a time without a zone would be read in the gateway's zone. */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

const TIMESTAMP_RULE = 'ISO 8601 with a zone (such as 2026-01-31T12:00:00Z) or epoch milliseconds';

/**
 * A device timestamp as a UTC ISO string. A missing timestamp means "now", which
 * is `receivedAt`; no clock is read here, so the result depends only on the input.
 */
export function parseTimestamp(value: unknown, receivedAt: Date): Parsed<IsoTimestamp> {
  if (value === undefined) return accept(receivedAt.toISOString());
  let ms: number | null;
  if (typeof value === 'number') {
    ms = Number.isFinite(value) ? Math.floor(value) : null;
  } else if (typeof value === 'string') {
    ms = parseIsoTimestamp(value);
    if (ms === null) return reject('invalid_timestamp', `timestamp ${excerpt(value)} must be ${TIMESTAMP_RULE}`);
  } else {
    return reject('invalid_timestamp', `timestamp must be ${TIMESTAMP_RULE}, got ${describe(value)}`);
  }
  if (ms === null || ms < MIN_TIMESTAMP_MS || ms > MAX_TIMESTAMP_MS) {
    return reject(
      'invalid_timestamp',
      `timestamp ${typeof value === 'string' ? excerpt(value) : String(value)} is outside 1973-03-03 to 9999-12-31; is the device clock set, and is it sending milliseconds?`,
    );
  }
  return accept(new Date(ms).toISOString());
}

/** Parsed by hand: Date.parse accepts other shapes and rolls 2026-02-30 over into March. */
function parseIsoTimestamp(text: string): number | null {
  const m = ISO_TIMESTAMP.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zulu, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = s === undefined ? 0 : Number(s);
  const millis = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const date = new Date(Date.UTC(2000, month - 1, day, hour, minute, second, millis));
  date.setUTCFullYear(year);
  if (date.getUTCDate() !== day) return null;
  let offsetMinutes = 0;
  if (zulu === undefined) {
    const offsetHours = Number(oh);
    const offsetMins = Number(om);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (sign === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  return date.getTime() - offsetMinutes * 60_000;
}

/** The JSON type of a value, for messages that must not quote it. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
