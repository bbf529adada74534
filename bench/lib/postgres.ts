import pg from 'pg';

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  /** DATABASE_URL whose connections use only the bench's schema. */
  url: string;
  drop(): Promise<void>;
}

/** A fresh schema for one run, so the bench never touches anyone's tables; dropped afterwards. */
export async function createBenchSchema(baseUrl: string): Promise<BenchSchema> {
  const schema = `roomcast_bench_${process.pid}_${Date.now()}`;
  const client = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  const separator = baseUrl.includes('?') ? '&' : '?';
  return {
    url: `${baseUrl}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      const admin = new pg.Client({ connectionString: baseUrl, connectionTimeoutMillis: 5_000 });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      } finally {
        await admin.end();
      }
    },
  };
}
