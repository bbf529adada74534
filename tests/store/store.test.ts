import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import { ErrorCode, RoomcastError } from '@roomcast/shared';
import type { Alert, ServerPayload } from '@roomcast/shared';
import { createLogger, silentLogger } from '../../server/src/logging/logger';
import type { Logger } from '../../server/src/logging/logger';
import { KyselyStore } from '../../server/src/store/kysely-store';
import { describeDatabaseUrl, openStore, SQLITE_FILE_NAME } from '../../server/src/store/open-store';
import type { Database } from '../../server/src/store/schema';
import type { Store, StoreBackend, TelemetryPoint, TelemetryQuery } from '../../server/src/store/store';

/**
 * One specification of the Store, run over every backend: SQLite always, PostgreSQL when
 * PG_TEST_URL names a server (each run works in a schema of its own, dropped afterwards).
 */

interface StoreTuning {
  batchSize?: number;
  flushIntervalMs?: number;
  maxPending?: number;
  logger?: Logger;
}

interface BackendFixture {
  /** Opens a store through openStore, as the gateway does. */
  open(tuning?: StoreTuning): Promise<Store>;
  /** A connection of its own to the same database, to look and meddle behind the store's back. */
  admin: Kysely<Database>;
  cleanup(): Promise<void>;
}

type BackendSetup = () => Promise<BackendFixture>;

/** The suites are declared while this module loads: constants they use come first. */
const T0 = Date.parse('2026-01-31T12:00:00.000Z');

const TABLES = [
  'latest_events',
  'telemetry',
  'alerts',
  'alert_history',
  'alert_rules',
  'spc_characteristics',
  'spc_samples',
  'spc_violations',
  'aqi_readings',
] as const;

async function sqliteBackend(): Promise<BackendFixture> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roomcast-store-'));
  // Migrate once, so that the admin connection has a file to open and every test starts
  // from empty tables (see beforeEach).
  await (await openStore({ databaseUrl: null, dataDir, logger: silentLogger() })).close();
  const admin = new Kysely<Database>({
    dialect: new SqliteDialect({ database: new SqliteDatabase(path.join(dataDir, SQLITE_FILE_NAME)) }),
  });
  return {
    open: (tuning = {}) => openStore({ databaseUrl: null, dataDir, logger: silentLogger(), ...tuning }),
    admin,
    async cleanup() {
      await admin.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function postgresBackend(baseUrl: string): BackendSetup {
  return async () => {
    const schema = `rc_test_${randomBytes(6).toString('hex')}`;
    const root = new pg.Client({ connectionString: baseUrl });
    await root.connect();
    await root.query(`create schema ${schema}`);
    // Every connection of the run starts with the run's schema as its only search path.
    const url = new URL(baseUrl);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const databaseUrl = url.toString();
    // Migrate once, so that every test starts from empty tables (see beforeEach).
    await (await openStore({ databaseUrl, dataDir: os.tmpdir(), logger: silentLogger() })).close();
    const admin = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: databaseUrl, max: 2 }) }),
    });
    return {
      open: (tuning = {}) => openStore({ databaseUrl, dataDir: os.tmpdir(), logger: silentLogger(), ...tuning }),
      admin,
      async cleanup() {
        await admin.destroy();
        await root.query(`drop schema ${schema} cascade`);
        await root.end();
      },
    };
  };
}

const PG_TEST_URL = process.env.PG_TEST_URL;

describe.each<[StoreBackend, BackendSetup]>([['sqlite', sqliteBackend]])('store on SQLite', (backend, setup) =>
  specifyStore(backend, setup),
);

if (PG_TEST_URL !== undefined && PG_TEST_URL !== '') {
  describe.each<[StoreBackend, BackendSetup]>([['postgres', postgresBackend(PG_TEST_URL)]])(
    'store on PostgreSQL',
    (backend, setup) => specifyStore(backend, setup),
  );
} else {
  describe.skip('store on PostgreSQL (skipped: PG_TEST_URL is not set)', () => {
    it('runs the same specification against PostgreSQL', () => undefined);
  });
}

function specifyStore(backend: StoreBackend, setup: BackendSetup): void {
  let fixture: BackendFixture;
  const opened: Store[] = [];

  const open = async (tuning: StoreTuning = {}): Promise<Store> => {
    const store = await fixture.open(tuning);
    opened.push(store);
    return store;
  };

  beforeAll(async () => {
    fixture = await setup();
  });

  afterAll(async () => {
    await fixture.cleanup();
  });

  beforeEach(async () => {
    for (const table of TABLES) await fixture.admin.deleteFrom(table).execute();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });

  describe('migrations', () => {
    it('are idempotent: a second open of the same database migrates nothing and keeps the data', async () => {
      const first = await open();
      expect(first.backend).toBe(backend);
      first.enqueueTelemetry(devicePoint('dev-1', T0));
      await first.close();

      const second = await open();
      await second.migrate();
      expect((await second.latestTelemetry('device', 'dev-1'))?.timestamp).toBe(iso(T0));
    });
  });

  describe('buffered telemetry', () => {
    it('becomes visible after flush() and comes back in time order with its payloads', async () => {
      const store = await open({ flushIntervalMs: 60_000 });
      const points = [devicePoint('dev-1', T0 + 2000), devicePoint('dev-1', T0), devicePoint('dev-1', T0 + 1000)];
      const reading = sensorPoint('soil-1', T0);
      for (const point of [...points, reading]) store.enqueueTelemetry(point);

      expect((await store.telemetry(query('dev-1'))).items).toEqual([]);
      expect(store.health()).toMatchObject({ status: 'up', pendingWrites: 4 });

      await store.flush();

      expect(store.health()).toMatchObject({ status: 'up', pendingWrites: 0 });
      const page = await store.telemetry(query('dev-1'));
      expect(page).toEqual({ items: [points[1], points[2], points[0]], nextCursor: null });
      expect(await store.telemetry({ ...query('soil-1'), source: 'sensor' })).toEqual({
        items: [reading],
        nextCursor: null,
      });
    });

    it('is written by the timer within flushIntervalMs, without a flush() call', async () => {
      const store = await open({ flushIntervalMs: 10 });
      store.enqueueTelemetry(devicePoint('dev-1', T0));

      await eventually(
        () => store.health().pendingWrites,
        (pending) => pending === 0,
      );

      expect(await store.latestTelemetry('device', 'dev-1')).toEqual(devicePoint('dev-1', T0));
    });

    it('writes batches larger than batchSize, thousands of rows at once, within SQLite’s variable limit', async () => {
      const store = await open({ batchSize: 100, flushIntervalMs: 60_000 });
      const count = 3000;
      for (let i = 0; i < count; i += 1) store.enqueueTelemetry(devicePoint('dev-1', T0 + i));

      await store.flush();

      const timestamps = (await walk(store, query('dev-1', { limit: 1000 }))).map((point) => point.timestamp);
      expect(timestamps).toHaveLength(count);
      expect(timestamps[0]).toBe(iso(T0));
      expect(timestamps[count - 1]).toBe(iso(T0 + count - 1));
    });

    it('refuses a point whose timestamp is not a time at once, so it can never poison a batch', async () => {
      const store = await open();
      const point = devicePoint('dev-1', T0);
      expect(() => store.enqueueTelemetry({ ...point, timestamp: 'half past nine' })).toThrow(
        expect.objectContaining({ code: ErrorCode.BAD_REQUEST }),
      );
      expect(store.health().pendingWrites).toBe(0);
    });

    it('latestTelemetry returns the newest point of a source, or null when it has none', async () => {
      const store = await open();
      expect(await store.latestTelemetry('device', 'dev-1')).toBeNull();
      for (const ms of [T0 + 5000, T0 + 9000, T0]) store.enqueueTelemetry(devicePoint('dev-1', ms));
      store.enqueueTelemetry(devicePoint('dev-2', T0 + 99_000));
      await store.flush();

      expect(await store.latestTelemetry('device', 'dev-1')).toEqual(devicePoint('dev-1', T0 + 9000));
      expect(await store.latestTelemetry('sensor', 'dev-1')).toBeNull();
    });

    it('pruneTelemetry removes only points older than the cutoff and says how many', async () => {
      const store = await open();
      for (let i = 0; i < 10; i += 1) store.enqueueTelemetry(devicePoint('dev-1', T0 + i * 1000));
      await store.flush();

      expect(await store.pruneTelemetry(iso(T0 + 4000))).toBe(4);

      const left = await walk(store, query('dev-1'));
      expect(left.map((point) => point.timestamp)).toEqual([4, 5, 6, 7, 8, 9].map((i) => iso(T0 + i * 1000)));
    });
  });

  describe('telemetry pages', () => {
    // 25 points, several sharing a timestamp, so the id breaks ties in the cursor.
    const points = Array.from({ length: 25 }, (_, i) => devicePoint('dev-1', T0 + Math.floor(i / 3) * 1000, i));

    it('walk every row exactly once, oldest first and newest first', async () => {
      const store = await open();
      for (const point of points) store.enqueueTelemetry(point);
      store.enqueueTelemetry(devicePoint('dev-2', T0));
      await store.flush();

      const ascending = await walk(store, query('dev-1', { limit: 7 }));
      expect(ascending).toEqual(points);
      const descending = await walk(store, query('dev-1', { limit: 7, order: 'desc' }));
      expect(descending).toEqual([...points].reverse());
      const single = await walk(store, query('dev-1', { limit: 1 }));
      expect(single).toEqual(points);
    });

    it('end with a null cursor, also when the last page is exactly full', async () => {
      const store = await open();
      for (const point of points.slice(0, 10)) store.enqueueTelemetry(point);
      await store.flush();

      const first = await store.telemetry(query('dev-1', { limit: 5 }));
      expect(first.nextCursor).not.toBeNull();
      const second = await store.telemetry(query('dev-1', { limit: 5, cursor: first.nextCursor ?? undefined }));
      expect(second.items).toEqual(points.slice(5, 10));
      expect(second.nextCursor).toBeNull();
    });

    it('honour from and to as inclusive bounds', async () => {
      const store = await open();
      for (let i = 0; i < 10; i += 1) store.enqueueTelemetry(devicePoint('dev-1', T0 + i * 1000));
      await store.flush();

      const page = await store.telemetry(query('dev-1', { from: iso(T0 + 2000), to: iso(T0 + 5000) }));
      expect(page.items.map((point) => point.timestamp)).toEqual([2, 3, 4, 5].map((i) => iso(T0 + i * 1000)));
      const newestFirst = await walk(
        store,
        query('dev-1', { from: iso(T0 + 2000), to: iso(T0 + 5000), order: 'desc', limit: 3 }),
      );
      expect(newestFirst.map((point) => point.timestamp)).toEqual([5, 4, 3, 2].map((i) => iso(T0 + i * 1000)));
    });

    it('refuse a malformed cursor, a limit outside 1–1000 and a bad time with BAD_REQUEST', async () => {
      const store = await open();
      const alertCursor = Buffer.from(JSON.stringify(['a', iso(T0), 'alert-1'])).toString('base64url');
      const wrongTypes = Buffer.from(JSON.stringify(['t', 'soon', 1])).toString('base64url');
      for (const cursor of ['not a cursor!', 'e30', Buffer.from('{').toString('base64url'), alertCursor, wrongTypes]) {
        await expect(store.telemetry(query('dev-1', { cursor }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      }
      for (const limit of [0, 1001, 2.5]) {
        await expect(store.telemetry(query('dev-1', { limit }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
      }
      await expect(store.telemetry(query('dev-1', { from: 'yesterday' }))).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
      await expect(store.alerts({ status: 'all', limit: 10, cursor: 'bm9wZQ' })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
      });
    });
  });

  describe('latest events', () => {
    it('keep only the newest payload per room and event, and survive a restart', async () => {
      const first = await open({ flushIntervalMs: 60_000 });
      first.enqueueLatest('device:dev-1', 'device:data', deviceData('dev-1', 1));
      first.enqueueLatest('device:dev-1', 'device:data', deviceData('dev-1', 2));
      first.enqueueLatest('device:dev-1', 'device:status', deviceStatus('dev-1', true));
      first.enqueueLatest('device:dev-2', 'device:data', deviceData('dev-2', 7));
      expect(first.health().pendingWrites).toBe(3);
      await first.flush();
      first.enqueueLatest('device:dev-1', 'device:data', deviceData('dev-1', 3));
      // close() writes what is still queued.
      await first.close();

      const second = await open();
      const latest = await second.loadLatest();
      expect(sortLatest(latest)).toEqual([
        { room: 'device:dev-1', event: 'device:data', payload: deviceData('dev-1', 3) },
        { room: 'device:dev-1', event: 'device:status', payload: deviceStatus('dev-1', true) },
        { room: 'device:dev-2', event: 'device:data', payload: deviceData('dev-2', 7) },
      ]);
    });
  });

  describe('alerts', () => {
    it('round-trip the exact Alert object, nulls and booleans included', async () => {
      const store = await open();
      const active = alertOf({ alertId: 'a-1' });
      const acknowledged = alertOf({
        alertId: 'a-2',
        severity: 'critical',
        state: 'cleared',
        comparison: 'lte',
        threshold: -5.25,
        value: -7,
        clearedAt: iso(T0 + 5000),
        acknowledged: true,
        ackUser: 'ops',
        ackReason: 'on it',
        ackAt: iso(T0 + 1000),
      });
      await store.saveAlert(active, 'raised');
      await store.saveAlert(acknowledged, 'cleared');

      expect(await store.getAlert('a-1')).toStrictEqual(active);
      expect(await store.getAlert('a-2')).toStrictEqual(acknowledged);
      expect(await store.getAlert('a-3')).toBeNull();

      const changed: Alert = { ...active, severity: 'critical', threshold: 40, value: 41, updatedAt: iso(T0 + 9000) };
      await store.saveAlert(changed, 'escalated');
      expect(await store.getAlert('a-1')).toStrictEqual(changed);
    });

    it('are listed newest raised first, filtered by status, acknowledged and device, a page at a time', async () => {
      const store = await open();
      const all = Array.from({ length: 12 }, (_, i) =>
        alertOf({
          alertId: `a-${String(i).padStart(2, '0')}`,
          deviceId: i % 2 === 0 ? 'dev-even' : 'dev-odd',
          // Pairs share raisedAt, so alertId breaks the tie in the cursor.
          raisedAt: iso(T0 + Math.floor(i / 2) * 1000),
          state: i % 3 === 0 ? 'cleared' : 'active',
          clearedAt: i % 3 === 0 ? iso(T0 + 60_000) : null,
          acknowledged: i % 4 === 0,
          ackUser: i % 4 === 0 ? 'ops' : null,
          ackReason: i % 4 === 0 ? 'seen' : null,
          ackAt: i % 4 === 0 ? iso(T0 + 30_000) : null,
        }),
      );
      for (const alert of all) await store.saveAlert(alert, 'raised');
      const newestFirst = [...all].reverse();
      const ids = (alerts: Alert[]): string[] => alerts.map((alert) => alert.alertId);

      expect(await walkAlerts(store, { status: 'all', limit: 5 })).toEqual(newestFirst);
      expect(ids(await walkAlerts(store, { status: 'active', limit: 3 }))).toEqual(
        ids(newestFirst.filter((alert) => alert.state === 'active')),
      );
      expect(ids(await walkAlerts(store, { status: 'cleared', limit: 3 }))).toEqual(
        ids(newestFirst.filter((alert) => alert.state === 'cleared')),
      );
      expect(ids(await walkAlerts(store, { status: 'all', acknowledged: true, limit: 2 }))).toEqual(
        ids(newestFirst.filter((alert) => alert.acknowledged)),
      );
      expect(
        ids(await walkAlerts(store, { status: 'active', acknowledged: false, deviceId: 'dev-odd', limit: 2 })),
      ).toEqual(
        ids(
          newestFirst.filter(
            (alert) => alert.state === 'active' && !alert.acknowledged && alert.deviceId === 'dev-odd',
          ),
        ),
      );
      expect(await store.alerts({ status: 'all', deviceId: 'dev-none', limit: 10 })).toEqual({
        items: [],
        nextCursor: null,
      });
    });

    it('keep a history row for every saved change and acknowledgement', async () => {
      const store = await open();
      const raised = alertOf({ alertId: 'a-1' });
      const escalated = { ...raised, severity: 'critical' as const, threshold: 40, updatedAt: iso(T0 + 1000) };
      const cleared = { ...escalated, state: 'cleared' as const, clearedAt: iso(T0 + 2000), updatedAt: iso(T0 + 2000) };
      await store.saveAlert(raised, 'raised');
      await store.saveAlert(escalated, 'escalated');
      await store.saveAlert(cleared, 'cleared');
      await store.acknowledgeAlert('a-1', 'ops', 'checked', iso(T0 + 3000));

      const history = await fixture.admin
        .selectFrom('alert_history')
        .select(['change', 'at', 'snapshot'])
        .where('alert_id', '=', 'a-1')
        .orderBy('id')
        .execute();
      expect(history.map((row) => [row.change, row.at])).toEqual([
        ['raised', iso(T0)],
        ['escalated', iso(T0 + 1000)],
        ['cleared', iso(T0 + 2000)],
        ['acknowledged', iso(T0 + 3000)],
      ]);
      expect(JSON.parse(history[1]?.snapshot ?? 'null')).toEqual(escalated);
      expect(JSON.parse(history[3]?.snapshot ?? 'null')).toMatchObject({ acknowledged: true, ackUser: 'ops' });
    });

    it('are acknowledged once: then already_acknowledged; an unknown id is not_found', async () => {
      const store = await open();
      await store.saveAlert(alertOf({ alertId: 'a-1' }), 'raised');

      const first = await store.acknowledgeAlert('a-1', 'ops', 'on it', iso(T0 + 1000));
      const expected = alertOf({
        alertId: 'a-1',
        acknowledged: true,
        ackUser: 'ops',
        ackReason: 'on it',
        ackAt: iso(T0 + 1000),
      });
      expect(first).toStrictEqual({ status: 'acknowledged', alert: expected });
      expect(await store.getAlert('a-1')).toStrictEqual(expected);

      const second = await store.acknowledgeAlert('a-1', 'someone-else', 'me too', iso(T0 + 2000));
      expect(second).toStrictEqual({ status: 'already_acknowledged', alert: expected });
      expect(await store.acknowledgeAlert('a-404', 'ops', 'hm', iso(T0))).toStrictEqual({ status: 'not_found' });
    });

    it('of 20 concurrent acknowledgements of one alert, exactly one wins', async () => {
      const store = await open();
      await store.saveAlert(alertOf({ alertId: 'a-1' }), 'raised');

      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.acknowledgeAlert('a-1', `user-${i}`, 'race', iso(T0 + i))),
      );

      const winners = results.filter((result) => result.status === 'acknowledged');
      expect(winners).toHaveLength(1);
      expect(results.filter((result) => result.status === 'already_acknowledged')).toHaveLength(19);
      const stored = await store.getAlert('a-1');
      expect(stored?.ackUser).toBe(winners[0]?.status === 'acknowledged' ? winners[0].alert.ackUser : undefined);
      const acknowledgements = await fixture.admin
        .selectFrom('alert_history')
        .select('id')
        .where('change', '=', 'acknowledged')
        .execute();
      expect(acknowledgements).toHaveLength(1);
    });

    it('activeAlerts returns only alerts not yet cleared', async () => {
      const store = await open();
      await store.saveAlert(alertOf({ alertId: 'a-1' }), 'raised');
      await store.saveAlert(alertOf({ alertId: 'a-2', raisedAt: iso(T0 + 1000) }), 'raised');
      await store.saveAlert(alertOf({ alertId: 'a-3', state: 'cleared', clearedAt: iso(T0 + 5) }), 'cleared');

      expect((await store.activeAlerts()).map((alert) => alert.alertId)).toEqual(['a-1', 'a-2']);
    });
  });

  describe('rules', () => {
    it('are saved as one document and loaded back; a later save replaces it', async () => {
      const store = await open();
      expect(await store.loadRules()).toBeNull();
      const rules = [{ id: 'hot', metric: 'temperature', warning: 30, critical: 40, comparison: 'gt' }];
      await store.saveRules({ rules, updatedAt: iso(T0), updatedBy: 'admin' });
      expect(await store.loadRules()).toEqual({ rules, updatedAt: iso(T0), updatedBy: 'admin' });

      await store.saveRules({ rules: [], updatedAt: iso(T0 + 1000), updatedBy: 'other' });
      expect(await store.loadRules()).toEqual({ rules: [], updatedAt: iso(T0 + 1000), updatedBy: 'other' });
    });
  });

  describe('when writes fail', () => {
    it('keeps queued rows, reports degraded, logs once, retries and delivers every row after recovery', async () => {
      const logs = captureLogs();
      const store = await open({ flushIntervalMs: 5, logger: logs.logger });
      // Take the table away behind the store's back: every telemetry insert now fails.
      await sql`alter table telemetry rename to telemetry_away`.execute(fixture.admin);
      const points = Array.from({ length: 50 }, (_, i) => devicePoint('dev-1', T0 + i));
      for (const point of points) store.enqueueTelemetry(point);

      const failing = await eventually(
        () => store.health(),
        (health) => (health.failedWrites as number) >= 3,
      );
      expect(failing).toMatchObject({ status: 'degraded', backend, pendingWrites: 50 });
      expect(failing.lastError).toEqual(expect.stringMatching(/telemetry/));
      await expect(store.flush()).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
      expect(store.health().pendingWrites).toBe(50);
      expect(logs.matching(/writes failing/)).toHaveLength(1);

      await sql`alter table telemetry_away rename to telemetry`.execute(fixture.admin);

      const recovered = await eventually(
        () => store.health(),
        (health) => health.status === 'up',
      );
      expect(recovered).toMatchObject({ status: 'up', pendingWrites: 0, lastError: null, droppedTelemetry: 0 });
      expect(await walk(store, query('dev-1', { limit: 1000 }))).toEqual(points);
      expect(logs.matching(/writes failing/)).toHaveLength(1);
      expect(logs.matching(/writes recovered/)).toHaveLength(1);
    });

    it('past maxPending drops the oldest telemetry and counts it, but never latest events', async () => {
      const store = await open({ maxPending: 10, flushIntervalMs: 60_000 });
      store.enqueueLatest('device:dev-1', 'device:data', deviceData('dev-1', 1));
      store.enqueueLatest('device:dev-2', 'device:data', deviceData('dev-2', 2));
      const points = Array.from({ length: 15 }, (_, i) => devicePoint('dev-1', T0 + i));
      for (const point of points) store.enqueueTelemetry(point);

      expect(store.health()).toMatchObject({ pendingWrites: 10, droppedTelemetry: 7 });
      await store.flush();

      expect(await walk(store, query('dev-1'))).toEqual(points.slice(7));
      expect(await store.loadLatest()).toHaveLength(2);
      expect(store.health()).toMatchObject({ status: 'up', pendingWrites: 0, droppedTelemetry: 7 });
    });
  });
}

describe('store with PostgreSQL unreachable', () => {
  let refusedUrl: string;

  beforeAll(async () => {
    refusedUrl = `postgres://postgres:secret@127.0.0.1:${await closedPort()}/test`;
  });

  it('openStore fails clearly, naming the database without its password', async () => {
    const failure = openStore({ databaseUrl: refusedUrl, dataDir: os.tmpdir(), logger: silentLogger() });

    await expect(failure).rejects.toBeInstanceOf(RoomcastError);
    await expect(failure).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    await expect(failure).rejects.toThrow(
      /could not open the postgres store at postgres:\/\/postgres@127\.0\.0\.1:\d+\/test/,
    );
    await expect(failure).rejects.not.toThrow(/secret/);
  });

  it('keeps buffered rows and retries while immediate writes reject with UNAVAILABLE', async () => {
    const pool = new pg.Pool({ connectionString: refusedUrl, connectionTimeoutMillis: 1000 });
    const store = new KyselyStore(
      new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
      'postgres',
      silentLogger(),
      {
        flushIntervalMs: 5,
        retry: { minMs: 5, maxMs: 20 },
      },
    );
    try {
      for (let i = 0; i < 5; i += 1) store.enqueueTelemetry(devicePoint('dev-1', T0 + i));
      store.enqueueLatest('device:dev-1', 'device:data', deviceData('dev-1', 1));

      const health = await eventually(
        () => store.health(),
        (current) => (current.failedWrites as number) >= 2,
      );
      expect(health).toMatchObject({ status: 'degraded', backend: 'postgres', pendingWrites: 6, droppedTelemetry: 0 });
      expect(health.lastError).toEqual(expect.stringMatching(/ECONNREFUSED/));

      const saving = store.saveAlert(alertOf(), 'raised');
      await expect(saving).rejects.toBeInstanceOf(RoomcastError);
      await expect(saving).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
      await expect(store.acknowledgeAlert('a-1', 'ops', 'x', iso(T0))).rejects.toMatchObject({
        code: ErrorCode.UNAVAILABLE,
      });
      await expect(store.getAlert('a-1')).rejects.toMatchObject({ code: ErrorCode.UNAVAILABLE });
    } finally {
      await store.close();
    }
  });
});

describe('describeDatabaseUrl', () => {
  it('strips the password, wherever it is given', () => {
    expect(describeDatabaseUrl('postgres://app:s3cret@db.example:5432/roomcast')).toBe(
      'postgres://app@db.example:5432/roomcast',
    );
    expect(describeDatabaseUrl('postgresql://app@db/roomcast?password=s3cret&sslmode=require')).toBe(
      'postgresql://app@db/roomcast?sslmode=require',
    );
    expect(describeDatabaseUrl('not a url')).not.toContain('not a url');
  });
});

// Helpers.

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function deviceData(deviceId: string, value: number): ServerPayload<'device:data'> {
  return { deviceId, data: { temperature: value, door: 'open', heating: value % 2 === 0 }, timestamp: iso(T0 + value) };
}

function deviceStatus(deviceId: string, online: boolean): ServerPayload<'device:status'> {
  return { deviceId, online, timestamp: iso(T0) };
}

function devicePoint(deviceId: string, ms: number, value = ms - T0): TelemetryPoint {
  const timestamp = iso(ms);
  return { source: 'device', sourceId: deviceId, timestamp, payload: { ...deviceData(deviceId, value), timestamp } };
}

function sensorPoint(sensorId: string, ms: number): TelemetryPoint {
  const timestamp = iso(ms);
  return {
    source: 'sensor',
    sourceId: sensorId,
    timestamp,
    payload: { sensorId, moisture: 41.5, temperature: 19.25, humidity: 60, light: 1200, timestamp },
  };
}

function alertOf(overrides: Partial<Alert> = {}): Alert {
  return {
    alertId: 'a-1',
    deviceId: 'dev-1',
    ruleId: 'device:temperature',
    metric: 'temperature',
    severity: 'warning',
    state: 'active',
    comparison: 'gt',
    threshold: 30,
    value: 31.5,
    message: 'temperature 31.5 is above 30',
    raisedAt: iso(T0),
    updatedAt: iso(T0),
    clearedAt: null,
    acknowledged: false,
    ackUser: null,
    ackReason: null,
    ackAt: null,
    ...overrides,
  };
}

function query(sourceId: string, overrides: Partial<TelemetryQuery> = {}): TelemetryQuery {
  return { source: 'device', sourceId, limit: 100, ...overrides };
}

/** Follows nextCursor to the end, failing if a page repeats a row. */
async function walk(store: Store, first: TelemetryQuery): Promise<TelemetryPoint[]> {
  const points: TelemetryPoint[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.telemetry({ ...first, cursor });
    expect(page.items.length).toBeLessThanOrEqual(first.limit);
    points.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return points;
}

async function walkAlerts(store: Store, first: Parameters<Store['alerts']>[0]): Promise<Alert[]> {
  const alerts: Alert[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.alerts({ ...first, cursor });
    expect(page.items.length).toBeLessThanOrEqual(first.limit);
    alerts.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return alerts;
}

function sortLatest<T extends { room: string; event: string }>(rows: T[]): T[] {
  return [...rows].sort((a, b) => `${a.room} ${a.event}`.localeCompare(`${b.room} ${b.event}`));
}

/** Polls `probe` every few ms until `accept` holds; for states no event announces. */
async function eventually<T>(probe: () => T, accept: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (accept(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function captureLogs(): { logger: Logger; matching(pattern: RegExp): string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', format: 'json', stream }),
    matching: (pattern) => lines.filter((line) => pattern.test(line)),
  };
}

/** A port nothing listens on: bound by the OS, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}
