import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { request, sleep } from '../lib/children';
import type { ClientGroup } from '../lib/client-group';
import { rssKb, UsageWindow } from '../measure/process-stats';
import {
  drain,
  measure,
  outsideLoad,
  ramp,
  type Load,
  type PhaseResult,
  type RampOptions,
  type Saturation,
  type Timing,
} from './phases';
import { connectClients, startSystem, type RunningSystem, type SystemName } from './systems';

/**
 * Scenarios 1–4: one publisher, N clients all in the one room of device d0, each system
 * in turn. Order inside a run: memory at rest, the ramp to saturation, then the fixed
 * rates the ramp showed the system can carry (a fixed rate above saturation only
 * measures how fast a backlog grows, and its drain would take minutes).
 */

export interface FanoutPlan {
  system: SystemName;
  clients: number;
  rates: readonly number[];
  timing: Timing;
  ramp: Omit<RampOptions, 'startRate'>;
  /** Ramps run back to back; the best counts, so one burst of outside load does not decide the figure. */
  ramps: number;
  drainMs: number;
  /** With --profile: where the server's CPU profile over the ramps is written. */
  cpuProfileDir: string | null;
  /** Gateway variables beyond the bench's fixed ones (roomcast systems only). */
  gatewayEnv: Record<string, string>;
  /**
   * A rate run even above the system's saturation: the point where latencies are compared
   * (100 msg/s × 1 000 clients). Above saturation its share delivered shows the overload.
   */
  referenceRate: number | null;
}

export interface IdleResult {
  /** Server RSS after a GC, before any client connected, MiB. */
  rssBeforeMb: number;
  /** The same with every client connected and subscribed, MiB. */
  rssAfterMb: number;
  /** (after − before) / connected clients, KiB. */
  kbPerConnection: number;
  /** Server CPU with N idle clients (heartbeats only), % of a core. */
  cpuPercent: number;
  /** Whether the server process could be asked to collect garbage first (not Mosquitto). */
  gcBeforeSampling: boolean;
}

export type FixedResult = ({ skipped: false } & PhaseResult) | { skipped: true; requestedRate: number; reason: string };

export interface FanoutResult {
  scenario: 'fanout';
  system: SystemName;
  clients: number;
  clientProcesses: number;
  connected: number;
  connectFailed: number;
  connectError: string | null;
  connectMs: number;
  idle: IdleResult;
  /** The best of the ramps. */
  saturation: Saturation;
  /** Saturation deliveries/s of every ramp, in order: their spread is the run's noise. */
  saturationRepeats: number[];
  /** The server's CPU profile over the ramps, with --profile. */
  cpuProfile: string | null;
  fixed: FixedResult[];
  /** Clients the server dropped during the run (heartbeat timeouts under overload, say). */
  disconnects: number;
  /** The gateway's own counts at the end (messages received, accepted, out of order; store queue). */
  gatewayCounters: Record<string, number> | null;
}

/** ~10 000 deliveries/s at the first step, whatever N, so large N does not start overloaded. */
function startRate(clients: number): number {
  return Math.max(1, Math.round(10_000 / clients));
}

async function gcAndRss(system: RunningSystem): Promise<{ rssMb: number; gc: boolean }> {
  let gc = false;
  if (system.server !== null) gc = (await request(system.server, { type: 'gc' })).ok;
  await sleep(200);
  return { rssMb: (rssKb(system.serverPid) ?? 0) / 1024, gc };
}

/** Above this (% of a core) the peak step shared the machine with something else, and is flagged. */
const OUTSIDE_LOAD_WARNING = 40;

export async function runFanout(
  plan: FanoutPlan,
  log: (line: string) => void,
  warnings: string[] = [],
): Promise<FanoutResult> {
  const tag = `[${plan.system} × ${plan.clients}]`;
  const system = await startSystem(plan.system, { gatewayEnv: plan.gatewayEnv });
  let clients: ClientGroup | null = null;
  try {
    await sleep(1_000);
    const before = await gcAndRss(system);
    clients = await connectClients(system, plan.clients);
    const { outcome } = clients;
    log(
      `${tag} ${outcome.connected} connected in ${(outcome.ms / 1000).toFixed(1)} s` +
        (outcome.failed > 0 ? `, ${outcome.failed} failed (${outcome.firstError ?? ''})` : ''),
    );
    if (outcome.connected === 0) throw new Error(`no client could connect: ${outcome.firstError ?? 'unknown'}`);
    await sleep(2_000);
    const after = await gcAndRss(system);
    const idleWindow = new UsageWindow([system.serverPid]);
    await sleep(2_000);
    const [idleUsage] = idleWindow.stop();
    const idle: IdleResult = {
      rssBeforeMb: before.rssMb,
      rssAfterMb: after.rssMb,
      kbPerConnection: ((after.rssMb - before.rssMb) * 1024) / outcome.connected,
      cpuPercent: idleUsage?.cpuPercent ?? 0,
      gcBeforeSampling: before.gc,
    };
    log(`${tag} idle: ${idle.kbPerConnection.toFixed(1)} KiB per connection`);

    const load: Load = { system, clients, subscribersPerMessage: outcome.connected, devices: 1 };
    const profiled = plan.cpuProfileDir !== null && system.server !== null ? system.server : null;
    if (profiled !== null) await request(profiled, { type: 'profile-start' });
    const ramps: Saturation[] = [];
    for (let i = 0; i < Math.max(1, plan.ramps); i += 1) {
      ramps.push(await ramp(load, { ...plan.ramp, startRate: startRate(plan.clients) }));
    }
    let cpuProfile: string | null = null;
    if (profiled !== null && plan.cpuProfileDir !== null) {
      mkdirSync(plan.cpuProfileDir, { recursive: true });
      cpuProfile = join(plan.cpuProfileDir, `${plan.system}-${plan.clients}.cpuprofile`);
      await request(profiled, { type: 'profile-stop', file: cpuProfile }, 60_000);
      log(`${tag} CPU profile of the ramps: ${cpuProfile}`);
    }
    const saturation = ramps.reduce((best, r) => (r.deliveriesPerSec > best.deliveriesPerSec ? r : best));
    const peak = saturation.steps.find((s) => s.deliveriesPerSec === saturation.deliveriesPerSec);
    log(
      `${tag} saturation ${ramps.map((r) => Math.round(r.deliveriesPerSec)).join(' / ')} deliveries/s, best at ` +
        `${Math.round(saturation.atPublishRate)} msg/s (${saturation.stoppedBy}); server ` +
        `${Math.round(peak?.cpu.server ?? 0)} %, clients ${Math.round(peak?.cpu.clients ?? 0)} %, ` +
        `machine ${Math.round(peak?.machine?.busyPercent ?? 0)} % busy of ${os.cpus().length * 100}`,
    );

    const outside = peak === undefined ? null : outsideLoad(peak);
    if (outside !== null && outside > OUTSIDE_LOAD_WARNING) {
      warnings.push(
        `${plan.system} × ${plan.clients}: at saturation the machine spent ${Math.round(outside)} % of a core ` +
          'outside the bench processes; this figure is lower than the system can do',
      );
      log(`${tag} WARNING: ${Math.round(outside)} % of a core went to other processes during the peak step`);
    }

    // Let the process collect what the overload left behind before measuring at steady rates.
    await gcAndRss(system);
    await sleep(1_000);
    const fixed: FixedResult[] = [];
    for (const rate of plan.rates) {
      const offered = rate * outcome.connected;
      if (offered > saturation.deliveriesPerSec && rate !== plan.referenceRate) {
        fixed.push({
          skipped: true,
          requestedRate: rate,
          reason: `${offered} deliveries/s offered, above the ${Math.round(saturation.deliveriesPerSec)} measured at saturation`,
        });
        continue;
      }
      const phase = await measure(load, rate, plan.timing);
      await drain(load, plan.drainMs);
      fixed.push({ skipped: false, ...phase });
      log(
        `${tag} ${rate} msg/s: p50 ${phase.latency.p50.toFixed(2)} p99 ${phase.latency.p99.toFixed(2)} ms, ` +
          `${Math.round(phase.deliveriesPerSec)} deliveries/s`,
      );
    }
    const last = await clients.read();
    const counters =
      plan.system.startsWith('roomcast') && system.server !== null
        ? (await request(system.server, { type: 'counters' })).counters
        : null;
    return {
      scenario: 'fanout',
      system: plan.system,
      clients: plan.clients,
      clientProcesses: clients.processes.length,
      connected: outcome.connected,
      connectFailed: outcome.failed,
      connectError: outcome.firstError,
      connectMs: outcome.ms,
      idle,
      saturation,
      saturationRepeats: ramps.map((r) => r.deliveriesPerSec),
      cpuProfile,
      fixed,
      disconnects: last.disconnects,
      gatewayCounters: counters,
    };
  } finally {
    await clients?.close();
    await system.stop();
  }
}
