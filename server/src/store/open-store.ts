import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { ErrorCode, RoomcastError } from '@roomcast/shared';
import { ConfigError } from '../config/config-error';
import type { Logger } from '../logging/logger';
import { KyselyStore } from './kysely-store';
import type { Database } from './schema';
import type { Store, StoreBackend } from './store';

export interface OpenStoreOptions {
  /** A postgres:// or postgresql:// URL, or null for SQLite under `dataDir`. */
  databaseUrl: string | null;
  /** Where the SQLite file lives; created when missing. */
  dataDir: string;
  logger: Logger;
  batchSize?: number;
  flushIntervalMs?: number;
  maxPending?: number;
}

export const SQLITE_FILE_NAME = 'roomcast.db';

/** Opens the configured database and migrates it; resolves once the store is ready to use. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { db, backend, location } =
    options.databaseUrl === null
      ? openSqlite(options.dataDir)
      : openPostgres(options.databaseUrl, options.logger.child({ component: 'store' }));
  const store = new KyselyStore(db, backend, options.logger, {
    batchSize: options.batchSize,
    flushIntervalMs: options.flushIntervalMs,
    maxPending: options.maxPending,
  });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    throw new RoomcastError(
      ErrorCode.UNAVAILABLE,
      `could not open the ${backend} store at ${location}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  options.logger.info('store opened', { component: 'store', backend, location });
  return store;
}

/** The URL without its password, for logs and error messages. */
export function describeDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparsable database URL>';
  }
  parsed.password = '';
  // pg also takes a password from the query string.
  parsed.searchParams.delete('password');
  return parsed.toString();
}

interface Opened {
  db: Kysely<Database>;
  backend: StoreBackend;
  /** Where the data lives, safe to log. */
  location: string;
}

function openSqlite(dataDir: string): Opened {
  const file = path.resolve(dataDir, SQLITE_FILE_NAME);
  let database: SqliteDatabase.Database | undefined;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    database = new SqliteDatabase(file);
    // WAL lets readers run beside the writer; NORMAL is durable across process crashes in
    // WAL mode (only an OS crash can lose the last commits); busy_timeout waits out another
    // process's write lock instead of failing at once.
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database?.close();
    throw new RoomcastError(
      ErrorCode.UNAVAILABLE,
      `could not open the SQLite store at ${file}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database }) }), backend: 'sqlite', location: file };
}

function openPostgres(url: string, log: Logger): Opened {
  if (!/^postgres(ql)?:\/\//.test(url)) {
    throw new ConfigError([`DATABASE_URL must be a postgres:// or postgresql:// URL, got ${describeDatabaseUrl(url)}`]);
  }
  // int8 (bigint, bigserial, count) as a JS number for this pool only, not for every pg user
  // in the process; epoch milliseconds and row ids stay far below 2^53.
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5000, types });
  // An idle client whose server goes away emits 'error' on the pool; unheard, it would crash
  // the process. The pool drops that client and the next query connects afresh.
  pool.on('error', (error) => {
    log.warn('idle PostgreSQL connection failed; it will be replaced', { error: error.message });
  });
  // A checked-out client has no pool listener, yet pg still emits 'error' on it when its
  // socket dies (also mid-query, after failing the query). Keep one listener on every client
  // for its whole life; the failed query reports the failure, and the pool discards the client.
  pool.on('connect', (client) => {
    client.on('error', (error) => log.debug('PostgreSQL connection lost', { error: error.message }));
  });
  return {
    db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }),
    backend: 'postgres',
    location: describeDatabaseUrl(url),
  };
}
