import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode, RoomcastError } from '@roomcast/shared';
import { silentLogger } from '@roomcast/server';
import type { Broadcaster } from '../../server/src/broadcast/broadcaster';
import { SpcService } from '../../server/src/spc/spc-service';
import { openStore } from '../../server/src/store/open-store';
import type { Store } from '../../server/src/store/store';

/**
 * A connection can drop after the database committed a sample's transaction but before the
 * gateway heard so. The next attempt must find that sample, not store a second one, and must
 * broadcast the violation under the id the database holds.
 */
describe('an SPC sample whose commit answer is lost', () => {
  let dir: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roomcast-spc-'));
    store = await openStore({ databaseUrl: null, dataDir: dir, logger: silentLogger() });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is charted once, with the violation id the store committed', async () => {
    let loseNextReply = true;
    // The real store, but the first saveSample's answer is lost after its commit.
    const flaky: Store = Object.create(store, {
      saveSample: {
        value: async (...args: Parameters<Store['saveSample']>) => {
          await store.saveSample(...args);
          if (loseNextReply) {
            loseNextReply = false;
            throw new RoomcastError(ErrorCode.UNAVAILABLE, 'the store could not save a sample', {
              cause: new Error('Connection terminated unexpectedly'),
            });
          }
        },
      },
    }) as Store;
    const published: Array<{ event: string; payload: { sampleId: string; violationId?: string } }> = [];
    // Records what would reach the room: the Broadcaster's one method the service calls.
    const broadcaster = {
      publish: (_room: string, event: string, payload: { sampleId: string; violationId?: string }) => {
        published.push({ event, payload });
      },
    } as unknown as Broadcaster;
    const spc = new SpcService({
      store: flaky,
      broadcaster,
      logger: silentLogger(),
      baselineSamples: 5,
      maxPending: 100,
      retry: { minMs: 1, maxMs: 5 },
    });
    await spc.create('fill', { name: 'Fill', chart: 'individuals', limits: { centre: 500, ucl: 503, lcl: 497 } });

    await spc.accept({
      characteristicId: 'fill',
      values: [510],
      sampleId: null,
      timestamp: '2026-11-24T10:00:00.000Z',
    });

    const samples = await store.recentSamples('fill', 10);
    expect(samples).toHaveLength(1);
    const violations = await store.violations('fill', { limit: 10 });
    expect(violations).toHaveLength(1);
    expect(published.map(({ event }) => event)).toEqual(['sample', 'violation']);
    expect(published[0]?.payload.sampleId).toBe(samples[0]?.sampleId);
    expect(published[1]?.payload.violationId).toBe(violations[0]?.violationId);
    expect(spc.counters()).toMatchObject({ rejectedSamples: 0, duplicateSamples: 0, pendingSamples: 0 });
  });
});
