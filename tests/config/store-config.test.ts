import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@roomcast/server';
import { mintToken, setup } from '../support/gateway';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('storage and alert configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roomcast-store-config-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses SQLite under ./data, 30 days of history and batched writes by default', () => {
    expect(loadConfig(base).store).toEqual({
      databaseUrl: null,
      dataDir: './data',
      retentionDays: 30,
      pruneIntervalMs: 3_600_000,
      batchSize: 500,
      flushIntervalMs: 100,
      maxPending: 100_000,
    });
    expect(loadConfig(base).alerts).toEqual({ rules: [], rulesFile: null });
  });

  it.each([
    [{ DATABASE_URL: 'mysql://db/roomcast' }, /DATABASE_URL must be a postgres:\/\/ URL/],
    [{ RETENTION_DAYS: '0' }, /RETENTION_DAYS/],
    [{ STORE_BATCH_SIZE: 'many' }, /STORE_BATCH_SIZE/],
    [{ ALERT_RULES_FILE: '/nonexistent/rules.yaml' }, /ALERT_RULES_FILE: .*rules\.yaml/],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env)).toMatch(message);
  });

  it('reads ALERT_RULES_FILE once at start-up and names the bad field of a bad file', () => {
    const file = join(dir, 'rules.yaml');
    writeFileSync(
      file,
      'rules:\n  - id: co-high\n    devices: "ST-*"\n    metric: concentration\n    comparison: gte\n    alarm_level_1: 35\n    alarm_level_2: 100\n',
    );
    expect(loadConfig({ ...base, ALERT_RULES_FILE: file }).alerts.rules).toMatchObject([
      { id: 'co-high', devices: 'ST-*', comparison: 'gte', alarm_level_1: 35, alarm_level_2: 100, deadband: 0 },
    ]);
    writeFileSync(
      file,
      'rules:\n  - id: co-high\n    devices: "*"\n    metric: co\n    comparison: gte\n    alarm_level_1: 35\n    alarm_level_2: 10\n',
    );
    expect(problemsOf({ ALERT_RULES_FILE: file })).toMatch(/ALERT_RULES_FILE: .*alarm_level_2/);
  });

  it('serves the file rules until rules are saved through REST, which then win after a restart', async () => {
    const file = join(dir, 'rules.json');
    writeFileSync(
      file,
      JSON.stringify({
        rules: [{ id: 'from-file', devices: '*', metric: 't', comparison: 'gt', alarm_level_1: 1, alarm_level_2: 2 }],
      }),
    );
    const admin = {
      Authorization: `Bearer ${mintToken({ role: 'admin', sub: 'ada' })}`,
      'Content-Type': 'application/json',
    };
    const dataDir = join(dir, 'data');
    const first = await setup({ DATA_DIR: dataDir, ALERT_RULES_FILE: file });
    try {
      expect(await (await fetch(`${first.url}/alert-rules`, { headers: admin })).json()).toMatchObject({
        source: 'file',
        rules: [{ id: 'from-file' }],
      });
      const put = await fetch(`${first.url}/alert-rules`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify({
          rules: [{ id: 'from-api', devices: '*', metric: 't', comparison: 'lt', alarm_level_1: 5, alarm_level_2: 1 }],
        }),
      });
      expect(put.status).toBe(200);
    } finally {
      await first.cleanup();
    }
    const second = await setup({ DATA_DIR: dataDir, ALERT_RULES_FILE: file });
    try {
      expect(await (await fetch(`${second.url}/alert-rules`, { headers: admin })).json()).toMatchObject({
        source: 'api',
        updatedBy: 'ada',
        rules: [{ id: 'from-api', comparison: 'lt' }],
      });
    } finally {
      await second.cleanup();
    }
  });
});
