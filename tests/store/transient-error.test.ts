import SqliteDatabase from 'better-sqlite3';
import { Client } from 'pg';
import { ErrorCode, RoomcastError } from '@roomcast/shared';
import { isTransientStoreError } from '../../server/src/store/transient-error';
import { freePort } from '../support/gateway-process';
import { PG_TEST_URL } from '../support/postgres';
import { rejectionOf } from '../support/rejections';

/** How the store reports a failed write: UNAVAILABLE, with the driver's error as its cause. */
function refused(cause: unknown): RoomcastError {
  return new RoomcastError(ErrorCode.UNAVAILABLE, 'the store could not save sample s1', { cause });
}

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected the work to throw');
}

describe('which store failures are worth another attempt', () => {
  it('retries a database that cannot be reached', async () => {
    const client = new Client({ host: '127.0.0.1', port: await freePort(), connectionTimeoutMillis: 2_000 });
    const error = await rejectionOf(client.connect());
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
    expect(isTransientStoreError(refused(error))).toBe(true);
  });

  it('retries a SQLite database that is busy, and gives up on a constraint it breaks', () => {
    const db = new SqliteDatabase(':memory:');
    db.exec('CREATE TABLE samples (id TEXT PRIMARY KEY)');
    db.prepare('INSERT INTO samples (id) VALUES (?)').run('s1');
    const duplicate = thrownBy(() => db.prepare('INSERT INTO samples (id) VALUES (?)').run('s1'));
    expect((duplicate as { code?: string }).code).toMatch(/^SQLITE_CONSTRAINT/);
    expect(isTransientStoreError(refused(duplicate))).toBe(false);
    const unknownTable = thrownBy(() => db.prepare('SELECT * FROM nowhere'));
    expect(isTransientStoreError(refused(unknownTable))).toBe(false);
    db.close();
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    expect(isTransientStoreError(refused(busy))).toBe(true);
  });

  it('gives up on a bug on this side, and on anything but UNAVAILABLE', () => {
    expect(isTransientStoreError(refused(new TypeError("Cannot read properties of undefined (reading 'id')")))).toBe(
      false,
    );
    expect(isTransientStoreError(new RoomcastError(ErrorCode.BAD_REQUEST, 'two values on an individuals chart'))).toBe(
      false,
    );
    expect(isTransientStoreError(new Error('the store could not save sample s1'))).toBe(false);
  });

  (PG_TEST_URL === null ? it.skip : it)(
    `retries PostgreSQL shutting down, and gives up on a constraint it breaks${PG_TEST_URL === null ? ' (skipped: PG_TEST_URL is not set)' : ''}`,
    async () => {
      const client = new Client({ connectionString: PG_TEST_URL as string });
      await client.connect();
      try {
        await client.query('CREATE TEMP TABLE samples (id TEXT PRIMARY KEY)');
        await client.query("INSERT INTO samples VALUES ('s1')");
        const duplicate = await rejectionOf(client.query("INSERT INTO samples VALUES ('s1')"));
        expect((duplicate as { code?: string }).code).toBe('23505');
        expect(isTransientStoreError(refused(duplicate))).toBe(false);
        const badValue = await rejectionOf(client.query("SELECT 'x'::integer"));
        expect((badValue as { code?: string }).code).toBe('22P02');
        expect(isTransientStoreError(refused(badValue))).toBe(false);
        // What an administrator's shutdown of the server sends (SQLSTATE 57P01): the database comes back.
        const shutdown = await rejectionOf(
          client.query("DO $$ BEGIN RAISE EXCEPTION 'terminating connection' USING ERRCODE = 'admin_shutdown'; END $$"),
        );
        expect((shutdown as { code?: string }).code).toBe('57P01');
        expect(isTransientStoreError(refused(shutdown))).toBe(true);
      } finally {
        await client.end();
      }
    },
  );
});
