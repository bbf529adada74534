import { ErrorCode, RoomcastError } from '@roomcast/shared';
import type { Alert, DeviceDataPayload, IsoTimestamp, SensorReadingPayload } from '@roomcast/shared';
import type { Insertable, Selectable } from 'kysely';
import type { AlertsTable, TelemetryTable } from './schema';
import type { TelemetryPoint } from './store';

/** Row mapping, cursors and the write queue of the kysely store: pure helpers with no connection. */

/** The most rows one page may hold. */
export const MAX_LIMIT = 1000;

/**
 * A FIFO whose oldest rows can be dropped cheaply: dropping advances a head index
 * instead of shifting the array on every row while the queue is full.
 */
export class RowQueue<T> {
  private rows: T[] = [];
  private head = 0;

  get length(): number {
    return this.rows.length - this.head;
  }

  push(row: T): void {
    this.rows.push(row);
  }

  dropOldest(count: number): void {
    this.head += Math.min(count, this.length);
    if (this.head > 1024 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }

  takeAll(): T[] {
    const taken = this.head === 0 ? this.rows : this.rows.slice(this.head);
    this.rows = [];
    this.head = 0;
    return taken;
  }

  /** Puts rows taken earlier back in front of those queued since. */
  restore(taken: T[]): void {
    this.rows = taken.concat(this.rows.slice(this.head));
    this.head = 0;
  }
}

export function* chunks<T>(rows: T[], size: number): Generator<T[]> {
  for (let start = 0; start < rows.length; start += size) yield rows.slice(start, start + size);
}

export function latestKey(room: string, event: string): string {
  return `${room}\u0000${event}`;
}

export function toPoint(
  row: Pick<Selectable<TelemetryTable>, 'source' | 'source_id' | 'ts_ms' | 'payload'>,
): TelemetryPoint {
  const timestamp = new Date(Number(row.ts_ms)).toISOString();
  return row.source === 'device'
    ? { source: 'device', sourceId: row.source_id, timestamp, payload: JSON.parse(row.payload) as DeviceDataPayload }
    : {
        source: 'sensor',
        sourceId: row.source_id,
        timestamp,
        payload: JSON.parse(row.payload) as SensorReadingPayload,
      };
}

export function toAlertRow(alert: Alert): Insertable<AlertsTable> {
  return {
    alert_id: alert.alertId,
    device_id: alert.deviceId,
    rule_id: alert.ruleId,
    metric: alert.metric,
    severity: alert.severity,
    state: alert.state,
    comparison: alert.comparison,
    threshold: alert.threshold,
    value: alert.value,
    message: alert.message,
    raised_at: alert.raisedAt,
    updated_at: alert.updatedAt,
    cleared_at: alert.clearedAt,
    acknowledged: alert.acknowledged ? 1 : 0,
    ack_user: alert.ackUser,
    ack_reason: alert.ackReason,
    ack_at: alert.ackAt,
  };
}

export function toAlert(row: Selectable<AlertsTable>): Alert {
  return {
    alertId: row.alert_id,
    deviceId: row.device_id,
    ruleId: row.rule_id,
    metric: row.metric,
    severity: row.severity,
    state: row.state,
    comparison: row.comparison,
    threshold: Number(row.threshold),
    value: Number(row.value),
    message: row.message,
    raisedAt: row.raised_at,
    updatedAt: row.updated_at,
    clearedAt: row.cleared_at,
    acknowledged: row.acknowledged === true || row.acknowledged === 1,
    ackUser: row.ack_user,
    ackReason: row.ack_reason,
    ackAt: row.ack_at,
  };
}

// Cursors: base64url of a JSON array tagged with its kind, opaque to callers.

const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,1024}$/;

export function encodeCursor(parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(parts), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, kind: string): unknown[] {
  // Buffer ignores characters outside the alphabet, so check the alphabet first.
  if (!CURSOR_PATTERN.test(cursor)) throw malformedCursor();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw malformedCursor(error);
  }
  if (!Array.isArray(parts) || parts.length !== 3 || parts[0] !== kind) throw malformedCursor();
  return parts;
}

export function decodeTelemetryCursor(cursor: string): { tsMs: number; id: number } {
  const [, tsMs, id] = decodeCursor(cursor, 't');
  if (!Number.isSafeInteger(tsMs) || !Number.isSafeInteger(id)) throw malformedCursor();
  return { tsMs: tsMs as number, id: id as number };
}

export function decodeAlertCursor(cursor: string): { raisedAt: string; alertId: string } {
  const [, raisedAt, alertId] = decodeCursor(cursor, 'a');
  if (typeof raisedAt !== 'string' || typeof alertId !== 'string') throw malformedCursor();
  return { raisedAt, alertId };
}

function malformedCursor(cause?: unknown): RoomcastError {
  return new RoomcastError(ErrorCode.BAD_REQUEST, 'cursor is malformed; pass back a nextCursor unchanged', { cause });
}

export function badRequest(message: string): RoomcastError {
  return new RoomcastError(ErrorCode.BAD_REQUEST, message);
}

export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw badRequest(`limit must be an integer from 1 to ${MAX_LIMIT}, got ${String(limit)}`);
  }
  return limit;
}

export function parseTime(name: string, value: IsoTimestamp): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw badRequest(`${name} must be an ISO 8601 timestamp, got ${value}`);
  return ms;
}

export function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    // pg reports a refused connection to every address of a host as an AggregateError without a message.
    return error.errors.map(messageOf).join('; ');
  }
  if (error instanceof Error) return error.message !== '' ? error.message : error.name;
  return String(error);
}
