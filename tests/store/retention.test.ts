import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@roomcast/server';
import { openStore } from '../../server/src/store/open-store';
import { startPruning } from '../../server/src/store/retention';
import { eventually } from '../support/mqtt';

describe('retention', () => {
  it('prunes telemetry older than RETENTION_DAYS and keeps the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roomcast-retention-'));
    const store = await openStore({ databaseUrl: null, dataDir: dir, logger: silentLogger() });
    try {
      const now = Date.parse('2026-06-30T00:00:00.000Z');
      for (const daysAgo of [40, 31, 29, 1]) {
        const timestamp = new Date(now - daysAgo * 86_400_000).toISOString();
        store.enqueueTelemetry({
          source: 'device',
          sourceId: 'd1',
          timestamp,
          payload: { deviceId: 'd1', data: { daysAgo }, timestamp },
        });
      }
      await store.flush();
      const stop = startPruning(
        store,
        {
          databaseUrl: null,
          dataDir: dir,
          retentionDays: 30,
          pruneIntervalMs: 3_600_000,
          batchSize: 500,
          flushIntervalMs: 100,
          maxPending: 1000,
        },
        silentLogger(),
        () => now,
      );
      try {
        const left = await eventually(async () => {
          const page = await store.telemetry({ source: 'device', sourceId: 'd1', limit: 10 });
          return page.items.length === 2 ? page.items : undefined;
        });
        expect(left.map((point) => ('data' in point.payload ? point.payload.data : null))).toEqual([
          { daysAgo: 29 },
          { daysAgo: 1 },
        ]);
      } finally {
        stop();
      }
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
