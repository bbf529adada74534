export { openStore, describeDatabaseUrl, SQLITE_FILE_NAME } from './open-store';
export type { OpenStoreOptions } from './open-store';
export { KyselyStore, STORE_DEFAULTS } from './kysely-store';
export type { KyselyStoreOptions, KyselyStoreInit, StoreRetryOptions } from './kysely-store';
export { migrations, migrateToLatest } from './migrations';
export type { Database } from './schema';
export type {
  Store,
  StoreBackend,
  TelemetryPoint,
  TelemetrySource,
  Page,
  TelemetryQuery,
  AlertQuery,
  AlertChange,
  AcknowledgeResult,
  StoredLatest,
  StoredRules,
} from './store';
