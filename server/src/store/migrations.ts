import { Migrator, sql } from 'kysely';
import type { ColumnDataType, ColumnDefinitionBuilder, Kysely, Migration, MigrationProvider } from 'kysely';
import type { Database } from './schema';
import type { StoreBackend } from './store';

/**
 * The schema's history, one kysely Migration per entry, the same entries for both
 * dialects. Names sort in the order they run (`0001_…`, `0002_…`); to change the
 * schema, add one entry to `migrations()` and never edit an entry that has shipped.
 */

/** The few column types that differ per dialect; everything else is spelled the same. */
interface ColumnTypes {
  /** An auto-increment primary key. */
  autoId: { type: ColumnDataType; define: (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder };
  /** PostgreSQL has booleans; SQLite stores 0/1 in an integer. */
  boolean: ColumnDataType;
  /** JSON documents: text on both, so one code path reads and writes them. */
  json: ColumnDataType;
}

function columnTypes(backend: StoreBackend): ColumnTypes {
  switch (backend) {
    case 'sqlite':
      return {
        // AUTOINCREMENT so that ids are never reused after the newest rows are pruned.
        autoId: { type: 'integer', define: (column) => column.primaryKey().autoIncrement() },
        boolean: 'integer',
        json: 'text',
      };
    case 'postgres':
      return {
        autoId: { type: 'bigserial', define: (column) => column.primaryKey() },
        boolean: 'boolean',
        json: 'text',
      };
  }
}

function initial(types: ColumnTypes): Migration {
  return {
    async up(db) {
      await db.schema
        .createTable('latest_events')
        .addColumn('room', 'text', (column) => column.notNull())
        .addColumn('event', 'text', (column) => column.notNull())
        .addColumn('payload', types.json, (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addPrimaryKeyConstraint('latest_events_pk', ['room', 'event'])
        .execute();

      await db.schema
        .createTable('telemetry')
        .addColumn('id', types.autoId.type, types.autoId.define)
        .addColumn('source', 'text', (column) => column.notNull())
        .addColumn('source_id', 'text', (column) => column.notNull())
        .addColumn('ts_ms', 'bigint', (column) => column.notNull())
        .addColumn('payload', types.json, (column) => column.notNull())
        .execute();
      // Serves every telemetry read: one source's points in (ts_ms, id) order, the cursor's order.
      await db.schema
        .createIndex('telemetry_source_ts_idx')
        .on('telemetry')
        .columns(['source', 'source_id', 'ts_ms', 'id'])
        .execute();

      await db.schema
        .createTable('alerts')
        .addColumn('alert_id', 'text', (column) => column.primaryKey())
        .addColumn('device_id', 'text', (column) => column.notNull())
        .addColumn('rule_id', 'text', (column) => column.notNull())
        .addColumn('metric', 'text', (column) => column.notNull())
        .addColumn('severity', 'text', (column) => column.notNull())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('comparison', 'text', (column) => column.notNull())
        .addColumn('threshold', 'double precision', (column) => column.notNull())
        .addColumn('value', 'double precision', (column) => column.notNull())
        .addColumn('message', 'text', (column) => column.notNull())
        .addColumn('raised_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addColumn('cleared_at', 'text')
        .addColumn('acknowledged', types.boolean, (column) => column.notNull())
        .addColumn('ack_user', 'text')
        .addColumn('ack_reason', 'text')
        .addColumn('ack_at', 'text')
        .execute();
      await db.schema
        .createIndex('alerts_device_raised_idx')
        .on('alerts')
        .columns(['device_id', 'raised_at'])
        .execute();
      await db.schema.createIndex('alerts_state_idx').on('alerts').column('state').execute();

      await db.schema
        .createTable('alert_history')
        .addColumn('id', types.autoId.type, types.autoId.define)
        .addColumn('alert_id', 'text', (column) => column.notNull())
        .addColumn('change', 'text', (column) => column.notNull())
        .addColumn('at', 'text', (column) => column.notNull())
        .addColumn('snapshot', types.json, (column) => column.notNull())
        .execute();
      await db.schema.createIndex('alert_history_alert_idx').on('alert_history').columns(['alert_id', 'id']).execute();

      await db.schema
        .createTable('alert_rules')
        .addColumn('id', 'integer', (column) => column.primaryKey().check(sql`id = 1`))
        .addColumn('document', types.json, (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .addColumn('updated_by', 'text', (column) => column.notNull())
        .execute();

      // The SPC and AQI engines' tables arrive now so that their change adds code, not schema.
      await db.schema
        .createTable('spc_characteristics')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('definition', types.json, (column) => column.notNull())
        .addColumn('created_at', 'text', (column) => column.notNull())
        .addColumn('updated_at', 'text', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('spc_samples')
        .addColumn('sample_id', 'text', (column) => column.primaryKey())
        .addColumn('characteristic_id', 'text', (column) => column.notNull())
        .addColumn('ts_ms', 'bigint', (column) => column.notNull())
        .addColumn('value', 'double precision', (column) => column.notNull())
        .addColumn('subgroup', types.json)
        .addColumn('zone', 'text', (column) => column.notNull())
        .addColumn('in_control', types.boolean, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('spc_samples_characteristic_ts_idx')
        .on('spc_samples')
        .columns(['characteristic_id', 'ts_ms'])
        .execute();

      await db.schema
        .createTable('spc_violations')
        .addColumn('violation_id', 'text', (column) => column.primaryKey())
        .addColumn('characteristic_id', 'text', (column) => column.notNull())
        .addColumn('sample_id', 'text', (column) => column.notNull())
        .addColumn('rule_id', 'integer', (column) => column.notNull())
        .addColumn('rule_name', 'text', (column) => column.notNull())
        .addColumn('severity', 'text', (column) => column.notNull())
        .addColumn('ts_ms', 'bigint', (column) => column.notNull())
        .addColumn('acknowledged', types.boolean, (column) => column.notNull())
        .addColumn('ack_user', 'text')
        .addColumn('ack_reason', 'text')
        .addColumn('ack_at', 'text')
        .execute();
      await db.schema
        .createIndex('spc_violations_characteristic_ts_idx')
        .on('spc_violations')
        .columns(['characteristic_id', 'ts_ms'])
        .execute();

      await db.schema
        .createTable('aqi_readings')
        .addColumn('id', types.autoId.type, types.autoId.define)
        .addColumn('location', 'text', (column) => column.notNull())
        .addColumn('ts_ms', 'bigint', (column) => column.notNull())
        .addColumn('payload', types.json, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('aqi_readings_location_ts_idx')
        .on('aqi_readings')
        .columns(['location', 'ts_ms'])
        .execute();
    },

    async down(db) {
      for (const table of [
        'aqi_readings',
        'spc_violations',
        'spc_samples',
        'spc_characteristics',
        'alert_rules',
        'alert_history',
        'alerts',
        'telemetry',
        'latest_events',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}

/**
 * SPC samples get an insertion order (`id`) so the rule windows can be restored in the
 * order the samples arrived even when timestamps tie, keep the subgroup range, and may
 * carry no zone while a characteristic is still collecting its baseline. The table held
 * no data before the SPC engine existed, so it is rebuilt rather than altered.
 */
function spcSampleOrder(types: ColumnTypes): Migration {
  return {
    async up(db) {
      await db.schema.dropTable('spc_samples').execute();
      await db.schema
        .createTable('spc_samples')
        .addColumn('id', types.autoId.type, types.autoId.define)
        .addColumn('sample_id', 'text', (column) => column.notNull().unique())
        .addColumn('characteristic_id', 'text', (column) => column.notNull())
        .addColumn('ts_ms', 'bigint', (column) => column.notNull())
        .addColumn('value', 'double precision', (column) => column.notNull())
        .addColumn('range', 'double precision')
        .addColumn('subgroup', types.json)
        .addColumn('zone', 'text')
        .addColumn('in_control', types.boolean, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('spc_samples_characteristic_order_idx')
        .on('spc_samples')
        .columns(['characteristic_id', 'id'])
        .execute();
    },
    async down(db) {
      await db.schema.dropTable('spc_samples').execute();
    },
  };
}

/** Every migration, in order, for one dialect. */
export function migrations(backend: StoreBackend): Record<string, Migration> {
  const types = columnTypes(backend);
  return {
    '0001_initial': initial(types),
    '0002_spc_sample_order': spcSampleOrder(types),
  };
}

/**
 * Brings the schema up to date; resolves with the names of the migrations it ran.
 * Safe to run on every start and from several processes at once (kysely's Migrator
 * takes a lock: an advisory lock on PostgreSQL, the single writer on SQLite).
 */
export async function migrateToLatest(db: Kysely<Database>, backend: StoreBackend): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations(backend)) };
  const migrator = new Migrator({
    db,
    provider,
    // kysely looks for its bookkeeping tables in every schema unless told which one; name
    // the connection's own schema so that each schema (each test run, each tenant) has its own.
    migrationTableSchema: backend === 'postgres' ? await currentSchema(db) : undefined,
  });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results.find((result) => result.status === 'Error');
    const where = failed === undefined ? '' : ` (migration ${failed.migrationName})`;
    throw new Error(`migration failed${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return results.filter((result) => result.status === 'Success').map((result) => result.migrationName);
}

async function currentSchema(db: Kysely<Database>): Promise<string> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  // current_schema() is null when no schema on the search_path exists.
  if (typeof schema !== 'string') throw new Error('no schema on the search_path exists');
  return schema;
}
