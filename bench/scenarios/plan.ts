import type { BenchArgs } from '../lib/args';
import type { MachineInfo } from '../lib/machine';
import { DEFAULT_PG_URL } from '../lib/postgres';
import type { DashboardPlan } from './dashboard';
import type { FanoutPlan } from './fanout';
import type { IngestPlan, StoreBackend } from './ingest';
import { FULL_RUN_SYSTEMS, type SystemName } from './systems';

export interface BenchPlan {
  fanout: FanoutPlan[];
  dashboard: DashboardPlan | null;
  ingest: IngestPlan[];
  notes: string[];
}

/** Descriptors a process needs beyond its sockets (files, pipes, the event loop). */
export const FD_HEADROOM = 2_000;
const QUICK_SYSTEMS: readonly SystemName[] = [
  'roomcast-embedded',
  'roomcast-unbatched',
  'naive-bridge',
  'mosquitto-ws',
  'raw-ws',
];

/**
 * What a run measures. Full: every system at 1k, 5k and 10k clients (10k when the
 * descriptor limit allows), rates 10, 100, 1000 and the ramp; the dashboard case; ingest
 * on SQLite and PostgreSQL at three batch sizes. Quick: about three minutes.
 */
export function makePlan(args: BenchArgs, machine: MachineInfo, profileDir: string | null): BenchPlan {
  const notes: string[] = [];
  const wants = (scenario: 'fanout' | 'dashboard' | 'ingest'): boolean =>
    args.only === null || args.only.includes(scenario);

  let counts = args.clients ?? (args.quick ? [1_000] : [1_000, 5_000, 10_000]);
  const limit = machine.openFilesLimit ?? 0;
  const tooMany = counts.filter((n) => n + FD_HEADROOM > limit);
  if (tooMany.length > 0) {
    counts = counts.filter((n) => n + FD_HEADROOM <= limit);
    notes.push(
      `skipped ${tooMany.join(', ')} clients: the open-files limit is ${limit}; raise it (ulimit -n) to run them`,
    );
  }

  const systems = args.systems ?? (args.quick ? QUICK_SYSTEMS : FULL_RUN_SYSTEMS);
  const timing = args.quick ? { warmMs: 500, windowMs: 2_500 } : { warmMs: 1_000, windowMs: 4_000 };
  const rampTiming = args.quick ? { warmMs: 500, windowMs: 1_500 } : { warmMs: 1_000, windowMs: 2_000 };
  const fanout: FanoutPlan[] = [];
  if (wants('fanout')) {
    for (const clients of counts) {
      for (const system of systems) {
        // It is there to show what batching changes; 1k and 5k show it, and the budget is better spent elsewhere.
        if (system === 'roomcast-unbatched' && clients > 5_000 && args.systems === null) continue;
        fanout.push({
          system,
          clients,
          rates: args.quick ? [10, 50, 100] : [10, 50, 100, 1_000],
          timing,
          ramp: {
            // ×1.5 rather than ×2: a finer saturation figure, and a smaller overshoot to drain.
            factor: 1.5,
            timing: rampTiming,
            maxSteps: 12,
            deadlineMs: args.quick ? 20_000 : 40_000,
            maxP99Ms: 1_000,
            drainMs: 20_000,
            minMessagesPerWindow: 12,
            maxWindowMs: args.quick ? 4_000 : 6_000,
          },
          ramps: args.quick ? 1 : 2,
          drainMs: 10_000,
          cpuProfileDir: args.profile ? profileDir : null,
          referenceRate: clients === 1_000 ? 100 : null,
          gatewayEnv:
            args.batchIntervalMs === null ? {} : { BROADCAST_BATCH_INTERVAL_MS: String(args.batchIntervalMs) },
        });
      }
    }
  }

  const dashboard: DashboardPlan | null =
    wants('dashboard') && !args.quick
      ? {
          devices: 10_000,
          clients: 2_000,
          roomsPerClient: 5,
          deviceHz: 1,
          throttleMs: 1_000,
          timing: { warmMs: 4_000, windowMs: 10_000 },
          drainMs: 10_000,
        }
      : null;

  const ingest: IngestPlan[] = [];
  if (wants('ingest')) {
    const runs: [StoreBackend, number][] = args.quick
      ? [['sqlite', 500]]
      : [
          ['sqlite', 50],
          ['sqlite', 500],
          ['sqlite', 5_000],
          ['postgres', 50],
          ['postgres', 500],
          ['postgres', 5_000],
        ];
    for (const [backend, batchSize] of runs) {
      ingest.push({
        backend,
        batchSize,
        devices: 1_000,
        startRate: 2_000,
        factor: 1.5,
        warmMs: args.quick ? 500 : 1_000,
        windowMs: args.quick ? 1_500 : 2_000,
        maxSteps: 10,
        deadlineMs: args.quick ? 15_000 : 30_000,
        drainMs: 20_000,
        pgUrl: process.env.BENCH_PG_URL ?? DEFAULT_PG_URL,
        cpuProfileDir: args.profile ? profileDir : null,
      });
    }
  }
  return { fanout, dashboard, ingest, notes };
}
