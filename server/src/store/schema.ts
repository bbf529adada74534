import type { ColumnType, Generated } from 'kysely';
import type {
  AlertSeverity,
  AlertState,
  Comparison,
  RoomEventName,
  SpcZone,
  ViolationSeverity,
} from '@roomcast/shared';
import type { AlertChange, TelemetrySource } from './store';

/**
 * The tables as kysely sees them, for both dialects. Column names are snake_case;
 * the store maps rows to the camelCase contract types.
 *
 * Representation rules a reader must keep:
 *  - timestamps the API returns as ISO strings are stored as ISO text (canonical
 *    `toISOString()` form, so text order is time order);
 *  - the sortable point-in-time columns `ts_ms` are epoch milliseconds in a bigint
 *    (pg hands int8 back as a string unless told otherwise: always read through `Number`);
 *  - JSON documents are text on both dialects;
 *  - booleans are `boolean` on PostgreSQL and `integer` 0/1 on SQLite; the store always
 *    writes 0/1 (PostgreSQL accepts the untyped parameters '0'/'1' as boolean input)
 *    and reads either form.
 */

/** int8 as returned by either driver: a number, or a string from pg without a type parser. */
type Int8 = ColumnType<number | string, number, number>;
/** Auto-increment id (SQLite `integer primary key autoincrement`, PostgreSQL `bigserial`). */
type AutoId = Generated<number | string>;
/** What a boolean column reads as on either dialect; always written as 0/1. */
export type DbBoolean = ColumnType<boolean | number, 0 | 1, 0 | 1>;

export interface LatestEventsTable {
  room: string;
  event: RoomEventName;
  /** JSON of the event's payload. */
  payload: string;
  updated_at: string;
}

export interface TelemetryTable {
  id: AutoId;
  source: TelemetrySource;
  source_id: string;
  /** Epoch ms of the point's timestamp. */
  ts_ms: Int8;
  /** JSON of the DeviceDataPayload or SensorReadingPayload. */
  payload: string;
}

export interface AlertsTable {
  alert_id: string;
  device_id: string;
  rule_id: string;
  metric: string;
  severity: AlertSeverity;
  state: AlertState;
  comparison: Comparison;
  threshold: number;
  value: number;
  message: string;
  raised_at: string;
  updated_at: string;
  cleared_at: string | null;
  acknowledged: DbBoolean;
  ack_user: string | null;
  ack_reason: string | null;
  ack_at: string | null;
}

export interface AlertHistoryTable {
  id: AutoId;
  alert_id: string;
  change: AlertChange;
  at: string;
  /** JSON of the Alert as it was after the change. */
  snapshot: string;
}

export interface AlertRulesTable {
  /** Always 1: the rules are one document. */
  id: number;
  /** JSON array of the rules. */
  document: string;
  updated_at: string;
  updated_by: string;
}

export interface SpcCharacteristicsTable {
  id: string;
  /** JSON of the characteristic's definition (limits, chart type, subgroup size …). */
  definition: string;
  created_at: string;
  updated_at: string;
}

export interface SpcSamplesTable {
  /** Arrival order; rule windows are restored in this order. */
  id: AutoId;
  sample_id: string;
  characteristic_id: string;
  ts_ms: Int8;
  /** The plotted value: the individual value, or the subgroup mean. */
  value: number;
  /** The subgroup's range, or the moving range on an individuals chart; null for the first point. */
  range: number | null;
  /** JSON array of the subgroup's values on an X̄-R chart; null for individuals. */
  subgroup: string | null;
  /** Null while the characteristic collects its baseline. */
  zone: SpcZone | null;
  in_control: DbBoolean;
}

export interface SpcViolationsTable {
  violation_id: string;
  characteristic_id: string;
  sample_id: string;
  /** The Nelson rule, 1 to 8. */
  rule_id: number;
  rule_name: string;
  severity: ViolationSeverity;
  ts_ms: Int8;
  acknowledged: DbBoolean;
  ack_user: string | null;
  ack_reason: string | null;
  ack_at: string | null;
}

export interface AqiReadingsTable {
  id: AutoId;
  location: string;
  ts_ms: Int8;
  /** JSON of the AqiUpdatePayload. */
  payload: string;
}

export interface Database {
  latest_events: LatestEventsTable;
  telemetry: TelemetryTable;
  alerts: AlertsTable;
  alert_history: AlertHistoryTable;
  alert_rules: AlertRulesTable;
  spc_characteristics: SpcCharacteristicsTable;
  spc_samples: SpcSamplesTable;
  spc_violations: SpcViolationsTable;
  aqi_readings: AqiReadingsTable;
}
