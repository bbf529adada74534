import { ErrorCode, RoomcastError, retryDelay, type RetryWindow } from '@roomcast/shared';
import type { Alert, AqiUpdatePayload, IsoTimestamp, RoomEventName, ServerPayload } from '@roomcast/shared';
import type { Insertable, Kysely } from 'kysely';
import type { ComponentHealth } from '../health/health-registry';
import type { Logger } from '../logging/logger';
import * as engine from './engine-queries';
import { idMatchesAny } from './id-pattern';
import type {
  AcknowledgeViolationResult,
  AqiHistoryQuery,
  AqiLocation,
  StoredCharacteristic,
  StoredSample,
  StoredViolation,
} from './engine-records';
import { migrateToLatest } from './migrations';
import {
  RowQueue,
  chunks,
  latestKey,
  toPoint,
  toAlertRow,
  toAlert,
  encodeCursor,
  decodeTelemetryCursor,
  decodeAlertCursor,
  badRequest,
  checkLimit,
  parseTime,
  messageOf,
} from './store-rows';
import type { Database, LatestEventsTable, TelemetryTable } from './schema';
import type {
  AcknowledgeResult,
  AlertChange,
  AlertQuery,
  Page,
  Store,
  StoreBackend,
  StoredLatest,
  StoredRules,
  TelemetryPoint,
  TelemetryQuery,
  TelemetrySource,
} from './store';

/** How soon and how late a failed flush is retried, ms. @default 200–10000 */
export type StoreRetryOptions = RetryWindow;

export interface KyselyStoreOptions {
  /** Queued rows that start a flush before the interval is up. @default 500 */
  batchSize: number;
  /** How long a queued row waits at most before its flush starts, ms. @default 100 */
  flushIntervalMs: number;
  /** Queued rows kept while the database is away; beyond it the oldest telemetry goes. @default 100000 */
  maxPending: number;
  /** Backoff between retries of a failed flush. */
  retry: StoreRetryOptions;
  /** How long `close()` waits for the last flush, ms. @default 5000 */
  closeTimeoutMs: number;
}

export type KyselyStoreInit = Partial<Omit<KyselyStoreOptions, 'retry'>> & { retry?: Partial<StoreRetryOptions> };

export const STORE_DEFAULTS: Readonly<KyselyStoreOptions> = Object.freeze({
  batchSize: 500,
  flushIntervalMs: 100,
  maxPending: 100_000,
  retry: Object.freeze({ minMs: 200, maxMs: 10_000 }),
  closeTimeoutMs: 5_000,
});

/**
 * Parameters per INSERT. SQLite builds before 3.32 allow 999 bound variables per
 * statement; staying under that keeps every build (and PostgreSQL's 65535) happy.
 */
const MAX_PARAMETERS_PER_STATEMENT = 999;
const TELEMETRY_ROWS_PER_INSERT = Math.floor(MAX_PARAMETERS_PER_STATEMENT / 4);
const LATEST_ROWS_PER_INSERT = Math.floor(MAX_PARAMETERS_PER_STATEMENT / 4);

type TelemetryRow = Insertable<TelemetryTable> & { ts_ms: number };
type LatestRow = Insertable<LatestEventsTable>;

/**
 * The Store over kysely, one implementation for SQLite and PostgreSQL.
 *
 * Buffered writes sit in memory until a flush writes them in one transaction. A failed
 * flush puts its rows back at the front of the queue and is retried with capped,
 * jittered backoff; the queue is bounded by `maxPending`, beyond which the oldest
 * telemetry is dropped and counted (latest events are few, one per room and event, and
 * are what a restart restores, so they are never dropped). Flushes never overlap:
 * every flush runs on one serial chain.
 */
export class KyselyStore implements Store {
  private readonly options: KyselyStoreOptions;
  private readonly log: Logger;

  private readonly telemetryQueue = new RowQueue<TelemetryRow>();
  /** Keyed by room and event: a newer payload replaces the queued one. */
  private readonly latestQueue = new Map<string, LatestRow>();
  /** Rows taken by the flush now running. */
  private inFlight = 0;
  private writing = false;
  /** Every flush runs after the previous one: never two transactions of buffered rows at once. */
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = Infinity;

  /** Consecutive failed flushes; > 0 means retrying. */
  private flushStreak = 0;
  /** The last immediate write failed and no write has succeeded since. */
  private immediateFailed = false;
  private failedWrites = 0;
  private droppedTelemetry = 0;
  private lastError: string | null = null;
  /** Warned that the queue overflowed since the last successful flush. */
  private overflowWarned = false;

  private closing: Promise<void> | null = null;
  private warnedWriteAfterClose = false;

  constructor(
    private readonly db: Kysely<Database>,
    readonly backend: StoreBackend,
    logger: Logger,
    options: KyselyStoreInit = {},
  ) {
    // `??` per field, so that an option passed as undefined still gets its default.
    this.options = {
      batchSize: options.batchSize ?? STORE_DEFAULTS.batchSize,
      flushIntervalMs: options.flushIntervalMs ?? STORE_DEFAULTS.flushIntervalMs,
      maxPending: options.maxPending ?? STORE_DEFAULTS.maxPending,
      retry: {
        minMs: options.retry?.minMs ?? STORE_DEFAULTS.retry.minMs,
        maxMs: options.retry?.maxMs ?? STORE_DEFAULTS.retry.maxMs,
      },
      closeTimeoutMs: options.closeTimeoutMs ?? STORE_DEFAULTS.closeTimeoutMs,
    };
    this.log = logger.child({ component: 'store' });
  }

  async migrate(): Promise<void> {
    try {
      const ran = await migrateToLatest(this.db, this.backend);
      if (ran.length > 0) this.log.info('store migrated', { backend: this.backend, migrations: ran });
    } catch (error) {
      const message = `could not migrate the ${this.backend} store: ${messageOf(error)}`;
      throw new RoomcastError(ErrorCode.UNAVAILABLE, message, { cause: error });
    }
  }

  // Buffered writes.

  enqueueTelemetry(point: TelemetryPoint): void {
    if (this.refuseAfterClose()) return;
    const tsMs = Date.parse(point.timestamp);
    // A row the database would refuse would fail every batch it is in, forever: refuse it here.
    if (!Number.isFinite(tsMs)) {
      throw new RoomcastError(ErrorCode.BAD_REQUEST, `telemetry timestamp ${point.timestamp} is not a valid time`);
    }
    this.telemetryQueue.push({
      source: point.source,
      source_id: point.sourceId,
      ts_ms: tsMs,
      payload: JSON.stringify(point.payload),
    });
    this.afterEnqueue();
  }

  enqueueLatest(room: string, event: RoomEventName, payload: ServerPayload<RoomEventName>): void {
    if (this.refuseAfterClose()) return;
    this.latestQueue.set(latestKey(room, event), {
      room,
      event,
      payload: JSON.stringify(payload),
      updated_at: new Date().toISOString(),
    });
    this.afterEnqueue();
  }

  async flush(): Promise<void> {
    try {
      await this.serial(() => this.writeQueued());
    } catch (error) {
      throw new RoomcastError(ErrorCode.UNAVAILABLE, 'the store could not write queued rows', { cause: error });
    }
  }

  // Immediate writes.

  saveAlert(alert: Alert, change: Exclude<AlertChange, 'acknowledged'>): Promise<void> {
    return this.immediate(`save alert ${alert.alertId}`, () =>
      this.db.transaction().execute(async (trx) => {
        const row = toAlertRow(alert);
        // Acknowledgement columns are written only by acknowledgeAlert: a transition computed
        // before a concurrent acknowledgement committed must never undo it.
        const {
          alert_id: _key,
          acknowledged: _acknowledged,
          ack_user: _ackUser,
          ack_reason: _ackReason,
          ack_at: _ackAt,
          ...columns
        } = row;
        await trx
          .insertInto('alerts')
          .values(row)
          .onConflict((conflict) => conflict.column('alert_id').doUpdateSet(columns))
          .execute();
        await trx
          .insertInto('alert_history')
          .values({ alert_id: alert.alertId, change, at: alert.updatedAt, snapshot: JSON.stringify(alert) })
          .execute();
      }),
    );
  }

  acknowledgeAlert(alertId: string, user: string, reason: string, at: IsoTimestamp): Promise<AcknowledgeResult> {
    return this.immediate(`acknowledge alert ${alertId}`, () =>
      this.db.transaction().execute(async (trx): Promise<AcknowledgeResult> => {
        // The condition on `acknowledged` is the guard: of concurrent acknowledgements only
        // one updates the row (PostgreSQL re-checks it after the row lock; SQLite has one writer).
        const update = await trx
          .updateTable('alerts')
          .set({ acknowledged: 1, ack_user: user, ack_reason: reason, ack_at: at })
          .where('alert_id', '=', alertId)
          .where('acknowledged', '=', 0)
          .executeTakeFirst();
        const row = await trx.selectFrom('alerts').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
        if (row === undefined) return { status: 'not_found' };
        const alert = toAlert(row);
        if (update.numUpdatedRows === 0n) return { status: 'already_acknowledged', alert };
        await trx
          .insertInto('alert_history')
          .values({ alert_id: alertId, change: 'acknowledged', at, snapshot: JSON.stringify(alert) })
          .execute();
        return { status: 'acknowledged', alert };
      }),
    );
  }

  saveRules(rules: StoredRules): Promise<void> {
    return this.immediate('save alert rules', async () => {
      await this.db
        .insertInto('alert_rules')
        .values({
          id: 1,
          document: JSON.stringify(rules.rules),
          updated_at: rules.updatedAt,
          updated_by: rules.updatedBy,
        })
        .onConflict((conflict) =>
          conflict.column('id').doUpdateSet((eb) => ({
            document: eb.ref('excluded.document'),
            updated_at: eb.ref('excluded.updated_at'),
            updated_by: eb.ref('excluded.updated_by'),
          })),
        )
        .execute();
    });
  }

  // The SPC and AQI engines' records (queries in engine-queries.ts).

  saveCharacteristic(id: string, definition: unknown, at: IsoTimestamp): Promise<void> {
    return this.immediate(`save characteristic ${id}`, () => engine.saveCharacteristic(this.db, id, definition, at));
  }

  characteristics(): Promise<StoredCharacteristic[]> {
    return this.read('read characteristics', () => engine.characteristics(this.db));
  }

  saveSample(sample: StoredSample, violations: readonly StoredViolation[]): Promise<void> {
    return this.immediate(`save sample ${sample.sampleId}`, () => engine.saveSample(this.db, sample, violations));
  }

  sampleExists(sampleId: string): Promise<boolean> {
    return this.read('read a sample', () => engine.sampleExists(this.db, sampleId));
  }

  recentSamples(characteristicId: string, limit: number): Promise<StoredSample[]> {
    return this.read('read samples', () => engine.recentSamples(this.db, characteristicId, limit));
  }

  violations(characteristicId: string, options: { acknowledged?: boolean; limit: number }): Promise<StoredViolation[]> {
    return this.read('read violations', () => engine.violations(this.db, characteristicId, options));
  }

  getViolation(violationId: string): Promise<StoredViolation | null> {
    return this.read('read a violation', () => engine.getViolation(this.db, violationId));
  }

  acknowledgeViolation(
    violationId: string,
    user: string,
    reason: string,
    at: IsoTimestamp,
  ): Promise<AcknowledgeViolationResult> {
    return this.immediate(`acknowledge violation ${violationId}`, () =>
      engine.acknowledgeViolation(this.db, violationId, user, reason, at),
    );
  }

  saveAqi(payload: AqiUpdatePayload): Promise<void> {
    return this.immediate(`save the AQI of ${payload.location}`, () => engine.saveAqi(this.db, payload));
  }

  aqiHistory(query: AqiHistoryQuery): Promise<AqiUpdatePayload[]> {
    return this.read('read AQI history', () => engine.aqiHistory(this.db, query));
  }

  aqiLocations(): Promise<AqiLocation[]> {
    return this.read('read AQI locations', () => engine.aqiLocations(this.db));
  }

  /** Deletes in one statement; counted as a write. Async so that a bad argument rejects, never throws. */
  async pruneTelemetry(olderThan: IsoTimestamp): Promise<number> {
    const cutoff = parseTime('olderThan', olderThan);
    return this.immediate('prune telemetry', async () => {
      const result = await this.db.deleteFrom('telemetry').where('ts_ms', '<', cutoff).executeTakeFirst();
      return Number(result.numDeletedRows);
    });
  }

  // Reads.

  loadLatest(): Promise<StoredLatest[]> {
    return this.read('load latest events', async () => {
      const rows = await this.db.selectFrom('latest_events').select(['room', 'event', 'payload']).execute();
      return rows.map((row) => ({
        room: row.room,
        event: row.event,
        payload: JSON.parse(row.payload) as ServerPayload<RoomEventName>,
      }));
    });
  }

  latestTelemetry(source: TelemetrySource, sourceId: string): Promise<TelemetryPoint | null> {
    return this.read('read telemetry', async () => {
      const row = await this.db
        .selectFrom('telemetry')
        .select(['source', 'source_id', 'ts_ms', 'payload'])
        .where('source', '=', source)
        .where('source_id', '=', sourceId)
        .orderBy('ts_ms', 'desc')
        .orderBy('id', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row === undefined ? null : toPoint(row);
    });
  }

  async telemetry(query: TelemetryQuery): Promise<Page<TelemetryPoint>> {
    const limit = checkLimit(query.limit);
    const from = query.from === undefined ? undefined : parseTime('from', query.from);
    const to = query.to === undefined ? undefined : parseTime('to', query.to);
    const order = query.order ?? 'asc';
    if (order !== 'asc' && order !== 'desc') throw badRequest(`order must be asc or desc`);
    const after = query.cursor === undefined ? undefined : decodeTelemetryCursor(query.cursor);
    return this.read('read telemetry', async () => {
      let select = this.db
        .selectFrom('telemetry')
        .select(['id', 'source', 'source_id', 'ts_ms', 'payload'])
        .where('source', '=', query.source)
        .where('source_id', '=', query.sourceId);
      if (from !== undefined) select = select.where('ts_ms', '>=', from);
      if (to !== undefined) select = select.where('ts_ms', '<=', to);
      if (after !== undefined) {
        select = select.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('ts_ms', 'id'), order === 'asc' ? '>' : '<', tuple(after.tsMs, after.id)),
        );
      }
      // One row more than asked tells whether there is a next page.
      const rows = await select
        .orderBy('ts_ms', order)
        .orderBy('id', order)
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      const nextCursor =
        rows.length > limit && last !== undefined ? encodeCursor(['t', Number(last.ts_ms), Number(last.id)]) : null;
      return { items: items.map(toPoint), nextCursor };
    });
  }

  getAlert(alertId: string): Promise<Alert | null> {
    return this.read('read an alert', async () => {
      const row = await this.db.selectFrom('alerts').selectAll().where('alert_id', '=', alertId).executeTakeFirst();
      return row === undefined ? null : toAlert(row);
    });
  }

  async alerts(query: AlertQuery): Promise<Page<Alert>> {
    const limit = checkLimit(query.limit);
    const before = query.cursor === undefined ? undefined : decodeAlertCursor(query.cursor);
    return this.read('read alerts', async () => {
      let select = this.db.selectFrom('alerts').selectAll();
      if (query.deviceId !== undefined) select = select.where('device_id', '=', query.deviceId);
      if (query.devicePatterns !== undefined) {
        select = select.where(idMatchesAny(this.backend, 'device_id', query.devicePatterns));
      }
      if (query.status !== 'all') select = select.where('state', '=', query.status);
      if (query.acknowledged !== undefined) select = select.where('acknowledged', '=', query.acknowledged ? 1 : 0);
      if (before !== undefined) {
        select = select.where(({ eb, refTuple, tuple }) =>
          eb(refTuple('raised_at', 'alert_id'), '<', tuple(before.raisedAt, before.alertId)),
        );
      }
      const rows = await select
        .orderBy('raised_at', 'desc')
        .orderBy('alert_id', 'desc')
        .limit(limit + 1)
        .execute();
      const items = rows.slice(0, limit).map(toAlert);
      const last = items[items.length - 1];
      const nextCursor =
        rows.length > limit && last !== undefined ? encodeCursor(['a', last.raisedAt, last.alertId]) : null;
      return { items, nextCursor };
    });
  }

  activeAlerts(): Promise<Alert[]> {
    return this.read('read active alerts', async () => {
      const rows = await this.db
        .selectFrom('alerts')
        .selectAll()
        .where('state', '=', 'active')
        .orderBy('raised_at', 'asc')
        .orderBy('alert_id', 'asc')
        .execute();
      return rows.map(toAlert);
    });
  }

  loadRules(): Promise<StoredRules | null> {
    return this.read('load alert rules', async () => {
      const row = await this.db.selectFrom('alert_rules').selectAll().where('id', '=', 1).executeTakeFirst();
      if (row === undefined) return null;
      const rules: unknown = JSON.parse(row.document);
      if (!Array.isArray(rules)) throw new RoomcastError(ErrorCode.INTERNAL, 'the stored alert rules are not an array');
      return { rules, updatedAt: row.updated_at, updatedBy: row.updated_by };
    });
  }

  health(): ComponentHealth {
    return {
      status: this.flushStreak > 0 || this.immediateFailed ? 'degraded' : 'up',
      backend: this.backend,
      pendingWrites: this.pending(),
      failedWrites: this.failedWrites,
      droppedTelemetry: this.droppedTelemetry,
      lastError: this.lastError,
    };
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  // Buffering and flushing.

  private pending(): number {
    return this.telemetryQueue.length + this.latestQueue.size + this.inFlight;
  }

  private afterEnqueue(): void {
    this.enforceMaxPending();
    // While a flush runs or a retry is armed, the end of that flush decides what comes next.
    if (this.writing || this.flushStreak > 0) return;
    this.schedule(this.pending() >= this.options.batchSize ? 0 : this.options.flushIntervalMs);
  }

  /** Rows in flight count toward the bound but cannot be dropped; a failed flush re-checks it. */
  private enforceMaxPending(): void {
    const excess = Math.min(this.pending() - this.options.maxPending, this.telemetryQueue.length);
    if (excess <= 0) return;
    if (!this.overflowWarned) {
      this.overflowWarned = true;
      this.log.warn('store queue full; dropping the oldest telemetry', { maxPending: this.options.maxPending });
    }
    this.telemetryQueue.dropOldest(excess);
    this.droppedTelemetry += excess;
  }

  /** Arms the flush timer to fire within `delayMs`, keeping an earlier one unless `replace`. */
  private schedule(delayMs: number, replace = false): void {
    if (this.closing !== null) return;
    const dueAt = Date.now() + delayMs;
    if (this.timer !== null) {
      if (!replace && this.timerDueAt <= dueAt) return;
      clearTimeout(this.timer);
    }
    this.timerDueAt = dueAt;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDueAt = Infinity;
      // A failure has been counted, logged and rescheduled by writeQueued; nothing is lost here.
      this.serial(() => this.writeQueued()).catch(() => undefined);
    }, delayMs);
    // Pending rows must not keep a finished process alive; close() flushes them.
    this.timer.unref();
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Writes everything queued in one transaction. Only ever called through `serial`. */
  private async writeQueued(): Promise<void> {
    const telemetry = this.telemetryQueue.takeAll();
    const latest = [...this.latestQueue.values()];
    this.latestQueue.clear();
    if (telemetry.length === 0 && latest.length === 0) return;

    this.writing = true;
    this.inFlight = telemetry.length + latest.length;
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const rows of chunks(telemetry, TELEMETRY_ROWS_PER_INSERT)) {
          await trx.insertInto('telemetry').values(rows).execute();
        }
        for (const rows of chunks(latest, LATEST_ROWS_PER_INSERT)) {
          await trx
            .insertInto('latest_events')
            .values(rows)
            .onConflict((conflict) =>
              conflict.columns(['room', 'event']).doUpdateSet((eb) => ({
                payload: eb.ref('excluded.payload'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
      });
      this.inFlight = 0;
      this.noteSuccess('flush');
    } catch (error) {
      this.inFlight = 0;
      // Back to the front, oldest first; a latest event queued meanwhile is newer and wins.
      this.telemetryQueue.restore(telemetry);
      for (const row of latest) {
        const key = latestKey(row.room, row.event);
        if (!this.latestQueue.has(key)) this.latestQueue.set(key, row);
      }
      this.noteFailure('flush', error);
      this.enforceMaxPending();
      throw error;
    } finally {
      this.writing = false;
      this.scheduleNext();
    }
  }

  private scheduleNext(): void {
    if (this.pending() === 0) return;
    if (this.flushStreak > 0) {
      this.schedule(retryDelay(this.flushStreak - 1, this.options.retry), true);
    } else {
      this.schedule(this.pending() >= this.options.batchSize ? 0 : this.options.flushIntervalMs);
    }
  }

  // Failure accounting: one warning when writes start failing, one line when they recover.

  private failing(): boolean {
    return this.flushStreak > 0 || this.immediateFailed;
  }

  private noteFailure(kind: 'flush' | 'immediate', error: unknown): void {
    const wasFailing = this.failing();
    this.failedWrites += 1;
    this.lastError = messageOf(error);
    if (kind === 'flush') this.flushStreak += 1;
    else this.immediateFailed = true;
    if (!wasFailing) {
      this.log.warn('store writes failing; queued rows are kept and retried', {
        backend: this.backend,
        pendingWrites: this.pending(),
        error: this.lastError,
      });
    }
  }

  private noteSuccess(kind: 'flush' | 'immediate'): void {
    const wasFailing = this.failing();
    // Any successful write shows the database takes writes again, so it clears a failed
    // immediate write (which has no retry of its own); only a flush clears the flush streak.
    if (kind === 'flush') {
      this.flushStreak = 0;
      this.overflowWarned = false;
    }
    this.immediateFailed = false;
    if (wasFailing && !this.failing()) {
      this.log.info('store writes recovered', { backend: this.backend, failedWrites: this.failedWrites });
      this.lastError = null;
    }
  }

  private async immediate<T>(what: string, work: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await work();
    } catch (error) {
      this.noteFailure('immediate', error);
      throw new RoomcastError(ErrorCode.UNAVAILABLE, `the store could not ${what}`, { cause: error });
    }
    this.noteSuccess('immediate');
    return result;
  }

  private async read<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RoomcastError) throw error;
      throw new RoomcastError(ErrorCode.UNAVAILABLE, `the store could not ${what}`, { cause: error });
    }
  }

  private refuseAfterClose(): boolean {
    if (this.closing === null) return false;
    if (!this.warnedWriteAfterClose) {
      this.warnedWriteAfterClose = true;
      this.log.warn('store closed; ignoring writes that arrive after close()');
    }
    return true;
  }

  private async shutdown(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    let deadline: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.serial(() => this.writeQueued()),
        new Promise<never>((_resolve, reject) => {
          deadline = setTimeout(
            () => reject(new Error(`the last flush took longer than ${this.options.closeTimeoutMs} ms`)),
            this.options.closeTimeoutMs,
          );
        }),
      ]);
    } catch (error) {
      this.log.warn('store closed with unwritten rows', {
        backend: this.backend,
        lostWrites: this.pending(),
        error: messageOf(error),
      });
    } finally {
      clearTimeout(deadline);
    }
    await this.db.destroy();
  }
}
