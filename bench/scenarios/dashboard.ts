import type { ClientGroup } from '../lib/client-group';
import { drain, measure, type Load, type PhaseResult, type Timing } from './phases';
import { connectClients, startSystem } from './systems';

/**
 * Scenario 5, the case roomcast is built for: many devices each publishing about once a
 * second, and dashboards each watching a handful of them, with the broadcast throttle
 * on (its default interval). Client i watches devices 5i … 5i+4, so with 2 000 clients
 * and 10 000 devices every device has exactly one watcher and every message one
 * delivery; the throttle lets at most one message per room per interval through.
 */

export interface DashboardPlan {
  devices: number;
  clients: number;
  roomsPerClient: number;
  /** Messages per second each device publishes. */
  deviceHz: number;
  throttleMs: number;
  timing: Timing;
  drainMs: number;
}

export interface DashboardResult {
  scenario: 'dashboard';
  system: 'roomcast-mosquitto';
  devices: number;
  clients: number;
  roomsPerClient: number;
  deviceHz: number;
  throttleMs: number;
  connected: number;
  connectMs: number;
  phase: PhaseResult;
  disconnects: number;
}

export async function runDashboard(plan: DashboardPlan, log: (line: string) => void): Promise<DashboardResult> {
  const system = await startSystem('roomcast-mosquitto', {
    gatewayEnv: { BROADCAST_MIN_INTERVAL_MS: String(plan.throttleMs) },
  });
  let clients: ClientGroup | null = null;
  try {
    clients = await connectClients(system, plan.clients, {
      roomsPerClient: plan.roomsPerClient,
      deviceCount: plan.devices,
    });
    const { outcome } = clients;
    log(
      `[dashboard] ${outcome.connected} clients × ${plan.roomsPerClient} rooms in ${(outcome.ms / 1000).toFixed(1)} s`,
    );
    const load: Load = {
      system,
      clients,
      // Watchers per device: with the plan's numbers, one.
      subscribersPerMessage: (outcome.connected * plan.roomsPerClient) / plan.devices,
      devices: plan.devices,
    };
    const phase = await measure(load, plan.devices * plan.deviceHz, plan.timing);
    await drain(load, plan.drainMs);
    log(
      `[dashboard] ${Math.round(phase.deliveriesPerSec)} deliveries/s, p50 ${phase.latency.p50.toFixed(1)} ` +
        `p99 ${phase.latency.p99.toFixed(1)} ms, gateway ${phase.cpu.server.toFixed(0)} % CPU`,
    );
    const last = await clients.read();
    return {
      scenario: 'dashboard',
      system: 'roomcast-mosquitto',
      devices: plan.devices,
      clients: plan.clients,
      roomsPerClient: plan.roomsPerClient,
      deviceHz: plan.deviceHz,
      throttleMs: plan.throttleMs,
      connected: outcome.connected,
      connectMs: outcome.ms,
      phase,
      disconnects: last.disconnects,
    };
  } finally {
    await clients?.close();
    await system.stop();
  }
}
