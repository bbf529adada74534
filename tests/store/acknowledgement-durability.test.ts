import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert } from '@roomcast/shared';
import { silentLogger } from '@roomcast/server';
import { openStore } from '../../server/src/store/open-store';
import type { Store } from '../../server/src/store/store';
import { createTestSchema, PG_TEST_URL, reportSkippedPostgres } from '../support/postgres';

const alert: Alert = {
  alertId: 'a-race',
  deviceId: 'boiler-1',
  ruleId: 'boiler-temperature',
  metric: 'temperature',
  severity: 'warning',
  state: 'active',
  comparison: 'gt',
  threshold: 50,
  value: 55,
  message: 'temperature 55 > 50 (warning)',
  raisedAt: '2026-05-01T12:00:00.000Z',
  updatedAt: '2026-05-01T12:00:00.000Z',
  clearedAt: null,
  acknowledged: false,
  ackUser: null,
  ackReason: null,
  ackAt: null,
};

const backends: Array<[string, () => Promise<{ store: Store; cleanup(): Promise<void> }>]> = [
  [
    'SQLite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'roomcast-ack-'));
      const store = await openStore({ databaseUrl: null, dataDir: dir, logger: silentLogger() });
      return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  ],
];
const pg = PG_TEST_URL;
if (pg !== null) {
  backends.push([
    'PostgreSQL',
    async () => {
      const schema = await createTestSchema(pg);
      const store = await openStore({ databaseUrl: schema.url, dataDir: tmpdir(), logger: silentLogger() });
      return { store, cleanup: () => schema.drop() };
    },
  ]);
}
reportSkippedPostgres('acknowledgements survive later transitions');

describe.each(backends)('acknowledgements survive later transitions on %s', (_name, open) => {
  it('keeps an acknowledgement when a transition computed before it is saved afterwards', async () => {
    const { store, cleanup } = await open();
    try {
      await store.saveAlert(alert, 'raised');
      await store.acknowledgeAlert(alert.alertId, 'olga', 'valve closed', '2026-05-01T12:00:05.000Z');
      // The engine escalated from its copy taken before the acknowledgement committed.
      await store.saveAlert(
        { ...alert, severity: 'critical', threshold: 80, value: 85, updatedAt: '2026-05-01T12:00:06.000Z' },
        'escalated',
      );
      expect(await store.getAlert(alert.alertId)).toMatchObject({
        severity: 'critical',
        acknowledged: true,
        ackUser: 'olga',
        ackReason: 'valve closed',
        ackAt: '2026-05-01T12:00:05.000Z',
      });
    } finally {
      await store.close();
      await cleanup();
    }
  });
});
