import type { FanoutResult } from '../scenarios/fanout';
import type { IngestResult } from '../scenarios/ingest';
import type { SystemName } from '../scenarios/systems';
import type { Ratio, ScenarioResult } from './results';

function fanouts(results: readonly ScenarioResult[]): FanoutResult[] {
  return results.filter((r): r is FanoutResult => r.scenario === 'fanout');
}

function divide(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return Math.round((a / b) * 1000) / 1000;
}

/** p99 at a fixed rate, when that rate ran. */
function p99At(result: FanoutResult | undefined, rate: number): number | undefined {
  const phase = result?.fixed.find((f) => f.requestedRate === rate);
  return phase === undefined || phase.skipped ? undefined : phase.latency.p99;
}

/**
 * The comparisons the benchmark exists for, each between two systems measured in this
 * same run on this same machine (absolute numbers move between machines; these less so).
 */
export function computeRatios(results: readonly ScenarioResult[]): Record<string, Ratio> {
  const runs = fanouts(results);
  const counts = [...new Set(runs.map((r) => r.clients))].sort((a, b) => a - b);
  const find = (system: SystemName, clients: number): FanoutResult | undefined =>
    runs.find((r) => r.system === system && r.clients === clients);
  const perCount = (description: string, value: (clients: number) => number | null): Ratio => ({
    description,
    values: Object.fromEntries(counts.map((c) => [`${c} clients`, value(c)])),
  });
  const saturation = (a: SystemName, b: SystemName) => (c: number) =>
    divide(find(a, c)?.saturation.deliveriesPerSec, find(b, c)?.saturation.deliveriesPerSec);

  const ratios: Record<string, Ratio> = {
    roomcastVsRawWs: perCount(
      'saturation deliveries/s: roomcast (embedded broker) ÷ raw ws server (the one-process ceiling)',
      saturation('roomcast-embedded', 'raw-ws'),
    ),
    batchedVsUnbatched: perCount(
      'saturation deliveries/s: roomcast with SDK clients (batches) ÷ roomcast with plain socket.io clients',
      saturation('roomcast-embedded', 'roomcast-unbatched'),
    ),
    roomcastVsNaive: perCount(
      'saturation deliveries/s: roomcast ÷ naive bridge, both behind Mosquitto',
      saturation('roomcast-mosquitto', 'naive-bridge'),
    ),
    roomcastEmbeddedVsNaive: perCount(
      'saturation deliveries/s: roomcast (embedded broker) ÷ naive bridge (Mosquitto)',
      saturation('roomcast-embedded', 'naive-bridge'),
    ),
    roomcastVsMosquittoWs: perCount(
      'saturation deliveries/s: roomcast (embedded broker) ÷ Mosquitto websockets with mqtt.js subscribers',
      saturation('roomcast-embedded', 'mosquitto-ws'),
    ),
    naiveVsRawWs: perCount(
      'saturation deliveries/s: naive bridge ÷ raw ws server',
      saturation('naive-bridge', 'raw-ws'),
    ),
    embeddedVsMosquittoBroker: perCount(
      'saturation deliveries/s: roomcast with its embedded broker ÷ roomcast behind Mosquitto',
      saturation('roomcast-embedded', 'roomcast-mosquitto'),
    ),
    memoryRoomcastVsRawWs: perCount('KiB per idle connection: roomcast ÷ raw ws', (c) =>
      divide(find('roomcast-embedded', c)?.idle.kbPerConnection, find('raw-ws', c)?.idle.kbPerConnection),
    ),
    memoryRoomcastVsNaive: perCount('KiB per idle connection: roomcast ÷ naive bridge', (c) =>
      divide(find('roomcast-embedded', c)?.idle.kbPerConnection, find('naive-bridge', c)?.idle.kbPerConnection),
    ),
  };
  // Latency at each fixed rate that both systems ran (a rate above a system's saturation is not run).
  for (const rate of [10, 50, 100]) {
    for (const [other, label] of [
      ['raw-ws', 'raw ws'],
      ['naive-bridge', 'naive bridge'],
    ] as const) {
      const key = `p99At${rate}RoomcastVs${other === 'raw-ws' ? 'RawWs' : 'Naive'}`;
      ratios[key] = perCount(`p99 latency at ${rate} msg/s: roomcast (embedded broker) ÷ ${label}`, (c) =>
        divide(p99At(find('roomcast-embedded', c), rate), p99At(find(other, c), rate)),
      );
    }
    ratios[`p99At${rate}BareClientsVsRawWs`] = perCount(
      `p99 latency at ${rate} msg/s: roomcast with bare ws clients ÷ raw ws (the gateway without socket.io-client's cost)`,
      (c) => divide(p99At(find('roomcast-bare-clients', c), rate), p99At(find('raw-ws', c), rate)),
    );
  }

  const ingest = results.filter((r): r is IngestResult => r.scenario === 'ingest');
  if (ingest.length > 0) {
    const rate = (backend: string, batch: number) =>
      ingest.find((r) => r.backend === backend && r.batchSize === batch)?.sustainedPerSec;
    ratios.ingestBatch5000VsBatch50 = {
      description: 'sustained ingest msg/s: STORE_BATCH_SIZE 5000 ÷ 50, same store',
      values: {
        sqlite: divide(rate('sqlite', 5000), rate('sqlite', 50)),
        postgres: divide(rate('postgres', 5000), rate('postgres', 50)),
      },
    };
    ratios.ingestPostgresVsSqlite = {
      description: 'sustained ingest msg/s: PostgreSQL ÷ SQLite at the default batch size (500)',
      values: { 'batch 500': divide(rate('postgres', 500), rate('sqlite', 500)) },
    };
  }
  // Drop comparisons of which neither side ran, so a quick run shows only what it measured.
  return Object.fromEntries(
    Object.entries(ratios).filter(([, ratio]) => Object.values(ratio.values).some((v) => v !== null)),
  );
}
