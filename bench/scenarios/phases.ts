import { request, sleep } from '../lib/children';
import type { ClientGroup } from '../lib/client-group';
import type { Percentiles } from '../measure/histogram';
import { UsageWindow, type MachineUsage } from '../measure/process-stats';
import type { RunningSystem } from './systems';

/** A running system with its clients, and how many clients each published message should reach. */
export interface Load {
  system: RunningSystem;
  clients: ClientGroup;
  subscribersPerMessage: number;
  /** Devices the publisher spreads its rate over. */
  devices: number;
}

export interface Timing {
  /** Time at the new rate before the window opens, for queues to settle. */
  warmMs: number;
  windowMs: number;
}

export interface PhaseResult {
  requestedRate: number;
  /** Messages actually published per second in the window (the publisher's own count). */
  publishRate: number;
  deliveriesPerSec: number;
  /** publishRate × subscribers per message: what a system that keeps up delivers. */
  expectedPerSec: number;
  deliveredRatio: number;
  /** ms, publish → client. */
  latency: Percentiles;
  /** % of one core, averaged over the window. */
  cpu: { server: number; broker: number | null; publisher: number | null; clients: number };
  rssMaxMb: { server: number; broker: number | null };
  /** The whole machine in the window; busy minus the processes above is load the bench did not cause. */
  machine: MachineUsage | null;
  connected: number;
  /** Pacer ticks that fell behind schedule: the publisher itself was short of CPU. */
  publisherLagging: number;
}

/**
 * CPU the machine spent beyond the bench's own processes in a window, in % of one core:
 * other programs, or kernel network work not charged to a process. Tens of percent of
 * it means the window measured a machine shared with something else.
 */
export function outsideLoad(phase: PhaseResult): number | null {
  if (phase.machine === null) return null;
  const ours = phase.cpu.server + (phase.cpu.broker ?? 0) + (phase.cpu.publisher ?? 0) + phase.cpu.clients;
  return phase.machine.busyPercent - ours;
}

export function setRate(load: Load, rate: number): void {
  load.system.source.send({ type: 'rate', rate, devices: load.devices });
}

/** Publishes at `rate`, waits, then measures one window; leaves the rate running. */
export async function measure(load: Load, rate: number, timing: Timing): Promise<PhaseResult> {
  const { system, clients } = load;
  setRate(load, rate);
  await sleep(timing.warmMs);
  const pids = [system.serverPid, system.brokerPid, system.publisherPid].filter((pid): pid is number => pid !== null);
  const [before] = await Promise.all([request(system.source, { type: 'sent' }), clients.read()]);
  const usage = new UsageWindow([...pids, ...clients.pids]);
  await sleep(timing.windowMs);
  const [after, reading] = await Promise.all([request(system.source, { type: 'sent' }), clients.read()]);
  const usages = usage.stop();
  const byPid = new Map(pids.map((pid, i) => [pid, usages[i]]));
  const clientCpu = usages.slice(pids.length).reduce((sum, u) => sum + u.cpuPercent, 0);
  const publishRate = after.at > before.at ? ((after.sent - before.sent) * 1000) / (after.at - before.at) : 0;
  const expectedPerSec = publishRate * load.subscribersPerMessage;
  const of = (pid: number | null): number | null => (pid === null ? null : (byPid.get(pid)?.cpuPercent ?? null));
  const server = byPid.get(system.serverPid);
  return {
    requestedRate: rate,
    publishRate,
    deliveriesPerSec: reading.deliveriesPerSec,
    expectedPerSec,
    deliveredRatio: expectedPerSec > 0 ? reading.deliveriesPerSec / expectedPerSec : 0,
    latency: reading.latency.summary(),
    cpu: {
      server: server?.cpuPercent ?? 0,
      broker: of(system.brokerPid),
      publisher: of(system.publisherPid),
      clients: clientCpu,
    },
    rssMaxMb: {
      server: server?.rssMaxMb ?? 0,
      broker: system.brokerPid === null ? null : (byPid.get(system.brokerPid)?.rssMaxMb ?? null),
    },
    machine: usage.machine,
    connected: reading.connected,
    publisherLagging: after.lagging - before.lagging,
  };
}

/** Stops publishing and waits until deliveries stop arriving (bounded); returns how long it took. */
export async function drain(load: Load, maxMs: number): Promise<number> {
  setRate(load, 0);
  const started = Date.now();
  await load.clients.read();
  while (Date.now() - started < maxMs) {
    await sleep(500);
    const reading = await load.clients.read();
    if (reading.deliveries === 0) break;
  }
  return Date.now() - started;
}

export interface RampOptions {
  startRate: number;
  factor: number;
  timing: Timing;
  maxSteps: number;
  /** No step starts after this much time in the ramp. */
  deadlineMs: number;
  /** A step whose p99 exceeds this ends the ramp. */
  maxP99Ms: number;
  drainMs: number;
  /**
   * A step's window is stretched (up to maxWindowMs) to hold at least this many messages:
   * at 10k clients a step may publish 1 msg/s, and a window of two or three messages
   * mostly measures where its edges fall.
   */
  minMessagesPerWindow: number;
  maxWindowMs: number;
}

export interface Saturation {
  /** The most deliveries per second any step achieved. */
  deliveriesPerSec: number;
  /** The publish rate of that step. */
  atPublishRate: number;
  /** The last step that kept up (≥ 95 % delivered, p99 within the bound), or null. */
  sustained: { publishRate: number; deliveriesPerSec: number; p99: number } | null;
  stoppedBy: 'plateau' | 'latency' | 'overload' | 'steps' | 'time';
  drainMs: number;
  steps: PhaseResult[];
}

/**
 * Multiplies the publish rate by `factor` each step until deliveries stop growing
 * (under 10 % more than the best step so far), p99 passes the bound, or under 60 %
 * of the expected deliveries arrive. Overshooting by one step keeps the backlog, and
 * so the drain, to a few seconds' worth.
 */
export async function ramp(load: Load, options: RampOptions): Promise<Saturation> {
  const started = Date.now();
  const steps: PhaseResult[] = [];
  let best: PhaseResult | null = null;
  let stoppedBy: Saturation['stoppedBy'] = 'steps';
  let rate = options.startRate;
  for (let i = 0; i < options.maxSteps; i += 1, rate *= options.factor) {
    if (Date.now() - started > options.deadlineMs) {
      stoppedBy = 'time';
      break;
    }
    const windowMs = Math.min(
      options.maxWindowMs,
      Math.max(options.timing.windowMs, (1000 * options.minMessagesPerWindow) / rate),
    );
    const step = await measure(load, rate, { ...options.timing, windowMs });
    steps.push(step);
    const plateau = best !== null && step.deliveriesPerSec < best.deliveriesPerSec * 1.1;
    if (best === null || step.deliveriesPerSec > best.deliveriesPerSec) best = step;
    if (step.latency.p99 > options.maxP99Ms) {
      stoppedBy = 'latency';
      break;
    }
    if (plateau) {
      stoppedBy = 'plateau';
      break;
    }
    if (step.deliveredRatio < 0.6) {
      stoppedBy = 'overload';
      break;
    }
  }
  const drainMs = await drain(load, options.drainMs);
  const kept = steps.filter((s) => s.deliveredRatio >= 0.95 && s.latency.p99 <= options.maxP99Ms).at(-1);
  return {
    deliveriesPerSec: best?.deliveriesPerSec ?? 0,
    atPublishRate: best?.publishRate ?? 0,
    sustained:
      kept === undefined
        ? null
        : { publishRate: kept.publishRate, deliveriesPerSec: kept.deliveriesPerSec, p99: kept.latency.p99 },
    stoppedBy,
    drainMs,
    steps,
  };
}
