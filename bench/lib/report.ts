import type { DashboardResult } from '../scenarios/dashboard';
import type { FanoutResult } from '../scenarios/fanout';
import type { IngestResult } from '../scenarios/ingest';
import type { PhaseResult } from '../scenarios/phases';
import type { SystemName } from '../scenarios/systems';
import type { BenchResults, FailedScenario } from './results';

/** Markdown tables of a run: printed at the end and saved beside the JSON, ready for BENCHMARKS.md. */

export const SYSTEM_LABELS: Record<SystemName, string> = {
  'roomcast-embedded': 'roomcast (embedded broker)',
  'roomcast-unbatched': 'roomcast, plain socket.io clients (embedded broker)',
  'roomcast-mosquitto': 'roomcast (Mosquitto)',
  'naive-bridge': 'naive bridge (Mosquitto)',
  'mosquitto-ws': 'Mosquitto websockets',
  'raw-ws': 'raw ws',
  'roomcast-bare-clients': 'roomcast, bare ws clients speaking Socket.IO (embedded broker)',
};

/** A phase's share delivered and its latency p50, p95, p99. */
export function latencyCells(phase: PhaseResult): string[] {
  return [
    `${Math.round(phase.deliveredRatio * 100)} %`,
    ms(phase.latency.p50),
    ms(phase.latency.p95),
    ms(phase.latency.p99),
  ];
}

/** A fixed-rate phase's deliveries, share delivered, latency, server and broker CPU, server RSS. */
function deliveryCells(phase: PhaseResult): string[] {
  return [
    int(phase.deliveriesPerSec),
    ...latencyCells(phase),
    pct(phase.cpu.server),
    pct(phase.cpu.broker),
    int(phase.rssMaxMb.server),
  ];
}

export function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function int(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return Math.round(value).toLocaleString('en-US');
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value).toLocaleString('en-US');
}

export function pct(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : `${Math.round(value)}`;
}

function one(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(1);
}

function bestStep(result: FanoutResult): PhaseResult | undefined {
  return result.saturation.steps.reduce<PhaseResult | undefined>(
    (best, step) => (best === undefined || step.deliveriesPerSec > best.deliveriesPerSec ? step : best),
    undefined,
  );
}

function fanoutTables(runs: FanoutResult[]): string {
  const saturation = table(
    [
      'System',
      'Clients',
      'KiB / idle conn',
      'Idle RSS MiB',
      'Saturation deliveries/s',
      'Other ramp',
      'at msg/s',
      'p99 there (ms)',
      'Last sustained msg/s',
      'Server CPU %',
      'Broker CPU %',
      'Publisher CPU %',
      'Clients CPU %',
      'Machine busy %',
    ],
    runs.map((r) => {
      const best = bestStep(r);
      return [
        SYSTEM_LABELS[r.system],
        `${r.connected}${r.connected < r.clients ? ` of ${r.clients}` : ''}`,
        one(r.idle.kbPerConnection),
        int(r.idle.rssAfterMb),
        int(r.saturation.deliveriesPerSec),
        r.saturationRepeats.length < 2
          ? '–'
          : r.saturationRepeats
              .filter((value) => value !== r.saturation.deliveriesPerSec)
              .map(int)
              .join(', ') || int(r.saturation.deliveriesPerSec),
        int(r.saturation.atPublishRate),
        ms(best?.latency.p99),
        r.saturation.sustained === null ? 'none' : int(r.saturation.sustained.publishRate),
        pct(best?.cpu.server),
        pct(best?.cpu.broker),
        pct(best?.cpu.publisher),
        pct(best?.cpu.clients),
        pct(best?.machine?.busyPercent),
      ];
    }),
  );
  const rows: string[][] = [];
  const skipped: string[] = [];
  for (const r of runs) {
    const above = r.fixed.filter((phase) => phase.skipped).map((phase) => phase.requestedRate);
    if (above.length > 0) skipped.push(`${SYSTEM_LABELS[r.system]} × ${r.connected}: ${above.join(', ')} msg/s`);
    for (const phase of r.fixed) {
      if (phase.skipped) continue;
      rows.push([
        SYSTEM_LABELS[r.system],
        `${r.connected}`,
        `${phase.requestedRate}`,
        ...deliveryCells(phase),
        pct(phase.cpu.clients),
        pct(phase.machine?.busyPercent),
      ]);
    }
  }
  const latency = table(
    [
      'System',
      'Clients',
      'msg/s',
      'Deliveries/s',
      'Delivered',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'Server CPU %',
      'Broker CPU %',
      'Server RSS MiB',
      'Clients CPU %',
      'Machine busy %',
    ],
    rows,
  );
  const notRun =
    skipped.length === 0
      ? ''
      : `\n\nNot run, because rate × clients is above the deliveries/s that system reached at saturation (100 msg/s × 1 000 clients, where latencies are compared, runs regardless: its "Delivered" shows an overload):\n${skipped
          .map((line) => `- ${line}`)
          .join('\n')}`;
  return `### Fan-out: saturation and memory (scenarios 1–4)\n\n${saturation}\n\n### Fan-out: latency at fixed rates\n\n${latency}${notRun}`;
}

function dashboardTable(result: DashboardResult): string {
  const { phase } = result;
  return `### Dashboard: ${result.devices.toLocaleString('en-US')} devices at ${result.deviceHz} Hz, ${result.connected.toLocaleString('en-US')} clients × ${result.roomsPerClient} rooms, throttle ${result.throttleMs} ms (scenario 5)\n\n${table(
    [
      'Published msg/s',
      'Delivered/s',
      'Delivered ÷ published',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'Gateway CPU %',
      'Broker CPU %',
      'Gateway RSS MiB',
      'Clients CPU %',
      'Machine busy %',
    ],
    [[int(phase.publishRate), ...deliveryCells(phase), pct(phase.cpu.clients), pct(phase.machine?.busyPercent)]],
  )}`;
}

function ingestTable(results: IngestResult[]): string {
  return `### Ingest without clients (scenario 6)\n\n${table(
    [
      'Store',
      'Batch size',
      'Sustained msg/s (stored, none dropped)',
      'Max accepted msg/s',
      'at published msg/s',
      'Max stored rows/s',
      'Gateway CPU % at max',
      'Machine busy % there',
      'Rows dropped',
      'Drain s',
    ],
    results.map((r) => {
      const best = r.steps.find((s) => s.acceptedPerSec === r.maxAcceptedPerSec);
      return [
        r.backend === 'sqlite' ? 'SQLite' : 'PostgreSQL',
        `${r.batchSize}`,
        int(r.sustainedPerSec),
        int(r.maxAcceptedPerSec),
        int(r.atPublishRate),
        int(r.maxStoredPerSec),
        pct(best?.cpu.server),
        pct(best?.machine?.busyPercent),
        int(r.droppedTelemetry),
        one(r.drainMs / 1000),
      ];
    }),
  )}`;
}

function ratiosTable(results: BenchResults): string {
  const rows = Object.entries(results.ratios).map(([name, ratio]) => [
    `\`${name}\``,
    ratio.description,
    Object.entries(ratio.values)
      .map(([key, value]) => `${key}: ${value === null ? '–' : value.toFixed(2)}`)
      .join(', '),
  ]);
  return `### Ratios (same run)\n\n${table(['Ratio', 'Meaning', 'Value'], rows)}`;
}

export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const parts = [
    `## ${results.quick ? 'Quick' : 'Full'} run, ${results.startedAt} (${Math.round(results.durationSeconds)} s)`,
    `Machine: ${machine.cores} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}, ${machine.platform}; ` +
      `load generators, brokers and the system under test all share these cores. Message: ${results.messageBytes} bytes of JSON.`,
  ];
  const fanout = results.scenarios.filter((r): r is FanoutResult => r.scenario === 'fanout');
  if (fanout.length > 0) parts.push(fanoutTables(fanout));
  for (const r of results.scenarios) if (r.scenario === 'dashboard') parts.push(dashboardTable(r));
  const ingest = results.scenarios.filter((r): r is IngestResult => r.scenario === 'ingest');
  if (ingest.length > 0) parts.push(ingestTable(ingest));
  if (Object.keys(results.ratios).length > 0) parts.push(ratiosTable(results));
  const failed = results.scenarios.filter((r): r is FailedScenario => r.scenario === 'failed');
  if (failed.length > 0) parts.push(`### Failed\n\n${failed.map((f) => `- ${f.name}: ${f.error}`).join('\n')}`);
  if (results.notes.length > 0) parts.push(`### Notes\n\n${results.notes.map((n) => `- ${n}`).join('\n')}`);
  return `${parts.join('\n\n')}\n`;
}
