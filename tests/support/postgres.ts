import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** PostgreSQL when the environment provides one (CI sets it). */
export const PG_TEST_URL = process.env.PG_TEST_URL ?? null;

export interface TestSchema {
  /** A connection URL whose search_path is a fresh schema, so parallel suites never share tables. */
  url: string;
  drop(): Promise<void>;
}

export async function createTestSchema(baseUrl: string): Promise<TestSchema> {
  const schema = `rc_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    drop: async () => {
      const client = new Client({ connectionString: baseUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** The stores a suite runs over: SQLite always, PostgreSQL when PG_TEST_URL is set. */
export interface StoreBackendCase {
  name: string;
  /** Environment for a gateway on this backend, and how to remove what it made. */
  prepare(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>;
}

export function storeBackends(): StoreBackendCase[] {
  const cases: StoreBackendCase[] = [
    { name: 'SQLite', prepare: async () => ({ env: {}, cleanup: async () => undefined }) },
  ];
  const pg = PG_TEST_URL;
  if (pg !== null) {
    cases.push({
      name: 'PostgreSQL',
      prepare: async () => {
        const schema = await createTestSchema(pg);
        return { env: { DATABASE_URL: schema.url }, cleanup: () => schema.drop() };
      },
    });
  }
  return cases;
}

/** Reports the PostgreSQL half of a suite as skipped, with the reason, when it cannot run. */
export function reportSkippedPostgres(suite: string): void {
  if (PG_TEST_URL === null) {
    describe.skip(`${suite} on PostgreSQL (skipped: PG_TEST_URL is not set)`, () => {
      it('runs the same specification on PostgreSQL', () => undefined);
    });
  }
}
