import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { request, sleep } from '../lib/children';
import type { CountersReply } from '../lib/protocol';
import { createBenchSchema, type BenchSchema } from '../lib/postgres';
import { UsageWindow, type MachineUsage } from '../measure/process-stats';
import { startSystem, type RunningSystem } from './systems';

/**
 * Scenario 6: how many MQTT messages per second the gateway takes through normalise →
 * alert rules → store → broadcast, with no client connected (so the broadcast is the
 * room lookup only). Mosquitto is the broker, outside the measured process. One alert
 * rule covers every device and never fires, so rules are evaluated on every message.
 */

export type StoreBackend = 'sqlite' | 'postgres';

export interface IngestPlan {
  backend: StoreBackend;
  batchSize: number;
  devices: number;
  startRate: number;
  factor: number;
  warmMs: number;
  windowMs: number;
  maxSteps: number;
  deadlineMs: number;
  drainMs: number;
  pgUrl: string;
  /** With --profile: where the gateway's CPU profile over the ramp is written. */
  cpuProfileDir: string | null;
}

export interface IngestStep {
  requestedRate: number;
  publishRate: number;
  /** Messages through the pipeline per second (accepted by the normaliser and delivered). */
  acceptedPerSec: number;
  /** Telemetry rows committed per second (accepted − queued − dropped, as a rate). */
  storedPerSec: number;
  cpu: { server: number; broker: number | null; publisher: number | null };
  rssMaxMb: number;
  pendingWrites: number;
  /** Rows the store dropped in the window because its queue was full (STORE_MAX_PENDING). */
  droppedRows: number;
  machine: MachineUsage | null;
}

export interface IngestResult {
  scenario: 'ingest';
  backend: StoreBackend;
  batchSize: number;
  devices: number;
  /** The most messages per second any step took through the pipeline, whether or not the store kept up. */
  maxAcceptedPerSec: number;
  atPublishRate: number;
  /**
   * The highest step where the gateway took ≥ 95 % of what was published, the store committed
   * ≥ 90 % of that, and dropped nothing: the rate this configuration can carry indefinitely.
   */
  sustainedPerSec: number;
  maxStoredPerSec: number;
  stoppedBy: 'plateau' | 'behind' | 'steps' | 'time';
  /** After publishing stopped: time until every received message was processed and stored. */
  drainMs: number;
  pendingAfterDrain: number;
  droppedTelemetry: number;
  rejected: number;
  steps: IngestStep[];
  /** The gateway's CPU profile over the ramp, with --profile. */
  cpuProfile: string | null;
}

const RULES = {
  rules: [
    {
      id: 'bench-temperature',
      devices: '*',
      metric: 'temperature',
      comparison: 'gt',
      alarm_level_1: 1000,
      alarm_level_2: 2000,
    },
  ],
};

function counter(reply: CountersReply, name: string): number {
  return reply.counters[name] ?? 0;
}

function stored(reply: CountersReply): number {
  return (
    counter(reply, 'ingest.accepted') - counter(reply, 'store.pendingWrites') - counter(reply, 'store.droppedTelemetry')
  );
}

async function step(system: RunningSystem, gateway: ChildProcess, plan: IngestPlan, rate: number): Promise<IngestStep> {
  system.source.send({ type: 'rate', rate, devices: plan.devices });
  await sleep(plan.warmMs);
  const pids = [system.serverPid, system.brokerPid, system.publisherPid].filter((p): p is number => p !== null);
  const [c0, s0] = await Promise.all([
    request(gateway, { type: 'counters' }, 30_000),
    request(system.source, { type: 'sent' }),
  ]);
  const usage = new UsageWindow(pids);
  await sleep(plan.windowMs);
  const [c1, s1] = await Promise.all([
    request(gateway, { type: 'counters' }, 30_000),
    request(system.source, { type: 'sent' }),
  ]);
  const usages = usage.stop();
  const seconds = (c1.at - c0.at) / 1000;
  const cpuOf = (pid: number | null): number | null =>
    pid === null ? null : (usages[pids.indexOf(pid)]?.cpuPercent ?? null);
  return {
    requestedRate: rate,
    publishRate: s1.at > s0.at ? ((s1.sent - s0.sent) * 1000) / (s1.at - s0.at) : 0,
    acceptedPerSec: seconds > 0 ? (counter(c1, 'ingest.accepted') - counter(c0, 'ingest.accepted')) / seconds : 0,
    storedPerSec: seconds > 0 ? (stored(c1) - stored(c0)) / seconds : 0,
    cpu: { server: usages[0]?.cpuPercent ?? 0, broker: cpuOf(system.brokerPid), publisher: cpuOf(system.publisherPid) },
    rssMaxMb: usages[0]?.rssMaxMb ?? 0,
    pendingWrites: counter(c1, 'store.pendingWrites'),
    droppedRows: counter(c1, 'store.droppedTelemetry') - counter(c0, 'store.droppedTelemetry'),
    machine: usage.machine,
  };
}

export async function runIngest(plan: IngestPlan, log: (line: string) => void): Promise<IngestResult> {
  const tag = `[ingest ${plan.backend} batch ${plan.batchSize}]`;
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-bench-rules-'));
  const rulesFile = join(dir, 'rules.json');
  writeFileSync(rulesFile, JSON.stringify(RULES));
  let schema: BenchSchema | null = null;
  let system: RunningSystem | null = null;
  try {
    if (plan.backend === 'postgres') schema = await createBenchSchema(plan.pgUrl);
    system = await startSystem('roomcast-mosquitto', {
      gatewayEnv: {
        STORE_BATCH_SIZE: String(plan.batchSize),
        ALERT_RULES_FILE: rulesFile,
        ...(schema !== null ? { DATABASE_URL: schema.url } : {}),
      },
    });
    const gateway = system.server;
    if (gateway === null) throw new Error('the gateway has no IPC channel');

    if (plan.cpuProfileDir !== null) await request(gateway, { type: 'profile-start' });
    const started = Date.now();
    const steps: IngestStep[] = [];
    let best: IngestStep | null = null;
    let stoppedBy: IngestResult['stoppedBy'] = 'steps';
    let rate = plan.startRate;
    for (let i = 0; i < plan.maxSteps; i += 1, rate *= plan.factor) {
      if (Date.now() - started > plan.deadlineMs) {
        stoppedBy = 'time';
        break;
      }
      const result = await step(system, gateway, plan, rate);
      steps.push(result);
      log(
        `${tag} ${Math.round(result.publishRate)} msg/s published → ${Math.round(result.acceptedPerSec)} accepted/s, ` +
          `${Math.round(result.storedPerSec)} stored/s, gateway ${result.cpu.server.toFixed(0)} % CPU`,
      );
      const plateau = best !== null && result.acceptedPerSec < best.acceptedPerSec * 1.1;
      if (best === null || result.acceptedPerSec > best.acceptedPerSec) best = result;
      if (plateau) {
        stoppedBy = 'plateau';
        break;
      }
      if (result.acceptedPerSec < result.publishRate * 0.8) {
        stoppedBy = 'behind';
        break;
      }
    }

    system.source.send({ type: 'rate', rate: 0, devices: plan.devices });
    let cpuProfile: string | null = null;
    if (plan.cpuProfileDir !== null) {
      mkdirSync(plan.cpuProfileDir, { recursive: true });
      cpuProfile = join(plan.cpuProfileDir, `ingest-${plan.backend}-${plan.batchSize}.cpuprofile`);
      await request(gateway, { type: 'profile-stop', file: cpuProfile }, 60_000);
      log(`${tag} CPU profile of the ramp: ${cpuProfile}`);
    }
    const drainStart = Date.now();
    let last = await request(gateway, { type: 'counters' }, 30_000);
    while (Date.now() - drainStart < plan.drainMs) {
      await sleep(250);
      const now = await request(gateway, { type: 'counters' }, 30_000);
      const idle =
        counter(now, 'ingest.received') === counter(last, 'ingest.received') &&
        counter(now, 'store.pendingWrites') === 0;
      last = now;
      if (idle) break;
    }
    return {
      scenario: 'ingest',
      backend: plan.backend,
      batchSize: plan.batchSize,
      devices: plan.devices,
      maxAcceptedPerSec: best?.acceptedPerSec ?? 0,
      atPublishRate: best?.publishRate ?? 0,
      sustainedPerSec: Math.max(
        0,
        ...steps
          .filter(
            (s) =>
              s.acceptedPerSec >= 0.95 * s.publishRate &&
              s.storedPerSec >= 0.9 * s.acceptedPerSec &&
              s.droppedRows === 0,
          )
          .map((s) => s.acceptedPerSec),
      ),
      maxStoredPerSec: Math.max(0, ...steps.map((s) => s.storedPerSec)),
      stoppedBy,
      drainMs: Date.now() - drainStart,
      pendingAfterDrain: counter(last, 'store.pendingWrites'),
      droppedTelemetry: counter(last, 'store.droppedTelemetry'),
      rejected: counter(last, 'ingest.rejected'),
      steps,
      cpuProfile,
    };
  } finally {
    await system?.stop();
    await schema?.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}
