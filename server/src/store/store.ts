import type {
  AqiUpdatePayload,
  Alert,
  DeviceDataPayload,
  IsoTimestamp,
  RoomEventName,
  SensorReadingPayload,
  ServerPayload,
} from '@roomcast/shared';
import type { ComponentHealth } from '../health/health-registry';
import type {
  AcknowledgeViolationResult,
  AqiHistoryQuery,
  AqiLocation,
  StoredCharacteristic,
  StoredSample,
  StoredViolation,
} from './engine-records';

/**
 * The one storage interface. Two backends implement it (SQLite through better-sqlite3,
 * PostgreSQL through pg), both on one kysely query layer and one set of migrations.
 *
 * Writes come in two kinds:
 *  - buffered (telemetry history, latest events): queued and written in batches, one
 *    transaction per short tick or per N rows, retried with backoff when the database
 *    is away; `flush()` writes what is queued;
 *  - immediate (alerts, acknowledgements, rules): committed before the promise resolves,
 *    so the caller can broadcast knowing the change is durable.
 */

export type StoreBackend = 'sqlite' | 'postgres';

export type TelemetryPoint =
  | { source: 'device'; sourceId: string; timestamp: IsoTimestamp; payload: DeviceDataPayload }
  | { source: 'sensor'; sourceId: string; timestamp: IsoTimestamp; payload: SensorReadingPayload };

export type TelemetrySource = TelemetryPoint['source'];

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface TelemetryQuery {
  source: TelemetrySource;
  sourceId: string;
  /** Inclusive bounds on the point's timestamp. */
  from?: IsoTimestamp;
  to?: IsoTimestamp;
  /** 1–1000. */
  limit: number;
  /** Oldest first by default (for charts); `desc` returns the newest first. */
  order?: 'asc' | 'desc';
  cursor?: string;
}

export interface AlertQuery {
  deviceId?: string;
  /**
   * Only alerts of devices whose id matches one of these patterns (`*` stands for any run of
   * characters); every device's when absent, none when empty.
   */
  devicePatterns?: readonly string[];
  status: 'active' | 'cleared' | 'all';
  acknowledged?: boolean;
  /** 1–1000. Newest raised first. */
  limit: number;
  cursor?: string;
}

/** Why an alert was written: each is also kept as a row of the alert's history. */
export type AlertChange = 'raised' | 'escalated' | 'cleared' | 'acknowledged';

export type AcknowledgeResult =
  { status: 'acknowledged'; alert: Alert } | { status: 'not_found' } | { status: 'already_acknowledged'; alert: Alert };

export interface StoredLatest {
  room: string;
  event: RoomEventName;
  payload: ServerPayload<RoomEventName>;
}

/** Alert rules as configured through REST; stored as one versioned document. */
export interface StoredRules {
  rules: unknown[];
  updatedAt: IsoTimestamp;
  updatedBy: string;
}

export interface Store {
  readonly backend: StoreBackend;

  /** Runs pending migrations; called once at start-up before anything else. */
  migrate(): Promise<void>;

  // Buffered writes.
  enqueueTelemetry(point: TelemetryPoint): void;
  enqueueLatest(room: string, event: RoomEventName, payload: ServerPayload<RoomEventName>): void;
  /** Writes everything queued so far; resolves when committed (or rejects when the database refuses). */
  flush(): Promise<void>;

  // Immediate writes.
  saveAlert(alert: Alert, change: Exclude<AlertChange, 'acknowledged'>): Promise<void>;
  /** Acknowledges in one transaction; never acknowledges twice. */
  acknowledgeAlert(alertId: string, user: string, reason: string, at: IsoTimestamp): Promise<AcknowledgeResult>;
  saveRules(rules: StoredRules): Promise<void>;

  // Reads.
  loadLatest(): Promise<StoredLatest[]>;
  latestTelemetry(source: TelemetrySource, sourceId: string): Promise<TelemetryPoint | null>;
  telemetry(query: TelemetryQuery): Promise<Page<TelemetryPoint>>;
  getAlert(alertId: string): Promise<Alert | null>;
  alerts(query: AlertQuery): Promise<Page<Alert>>;
  /** Alerts not yet cleared, to restore the alert engine's state after a restart. */
  activeAlerts(): Promise<Alert[]>;
  loadRules(): Promise<StoredRules | null>;

  // The SPC and AQI engines: every write is immediate (committed before the event is broadcast).
  saveCharacteristic(id: string, definition: unknown, at: IsoTimestamp): Promise<void>;
  characteristics(): Promise<StoredCharacteristic[]>;
  /** A sample and the violations it completed, in one transaction. */
  saveSample(sample: StoredSample, violations: readonly StoredViolation[]): Promise<void>;
  sampleExists(sampleId: string): Promise<boolean>;
  /** The newest `limit` samples of a characteristic, oldest first. */
  recentSamples(characteristicId: string, limit: number): Promise<StoredSample[]>;
  violations(characteristicId: string, options: { acknowledged?: boolean; limit: number }): Promise<StoredViolation[]>;
  getViolation(violationId: string): Promise<StoredViolation | null>;
  acknowledgeViolation(
    violationId: string,
    user: string,
    reason: string,
    at: IsoTimestamp,
  ): Promise<AcknowledgeViolationResult>;
  saveAqi(payload: AqiUpdatePayload): Promise<void>;
  /** Newest first. */
  aqiHistory(query: AqiHistoryQuery): Promise<AqiUpdatePayload[]>;
  aqiLocations(): Promise<AqiLocation[]>;

  /** Deletes telemetry older than the given time; resolves with the number of rows removed. */
  pruneTelemetry(olderThan: IsoTimestamp): Promise<number>;

  /** up when the last write succeeded, degraded while writes are failing and being retried. */
  health(): ComponentHealth;

  /** Flushes what it can within the time given, then closes the connection. */
  close(): Promise<void>;
}
