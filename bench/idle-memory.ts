import { clientCount } from './lib/args';
import { request, sleep } from './lib/children';
import type { ClientGroup } from './lib/client-group';
import { openFilesLimit } from './lib/machine';
import type { GcReply } from './lib/protocol';
import { settledRss, SETTLE_RULE, type SettledReading } from './measure/settled-rss';
import { FD_HEADROOM } from './scenarios/plan';
import {
  connectClients,
  isSystemName,
  startSystem,
  SYSTEMS,
  type RunningSystem,
  type SystemName,
} from './scenarios/systems';

/**
 * `npm run bench:idle [-- --systems a,b] [--clients 1000,5000]`: the resident memory an idle
 * connection costs once the server's memory has settled. For each system: start it, wait
 * until its RSS stops falling, then connect clients up to each count in turn (each subscribed
 * to the one room), waiting again after each step. Prints RSS per connection against the
 * settled start, and between one step and the next (the marginal cost, free of one-off
 * growth such as compiled code). The fan-out table's figure is read 2 s after the clients
 * connect, before V8 has given back what the burst of connections grew.
 */

interface IdleArgs {
  systems: SystemName[];
  clients: number[];
}

const DEFAULT_SYSTEMS: SystemName[] = ['roomcast-embedded', 'naive-bridge', 'mosquitto-ws', 'raw-ws'];

function parseIdleArgs(argv: string[]): IdleArgs {
  const args: IdleArgs = { systems: DEFAULT_SYSTEMS, clients: [1_000, 5_000] };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const values = (argv[i + 1] ?? '').split(',').filter((value) => value.length > 0);
    if (flag === '--systems' && values.length > 0 && values.every(isSystemName)) {
      args.systems = values;
    } else if (flag === '--clients' && values.length > 0) {
      args.clients = values.map(clientCount);
      if (args.clients.some((n, k) => k > 0 && n <= args.clients[k - 1]!)) {
        throw new Error('--clients takes increasing counts: each step adds clients to the ones before');
      }
    } else {
      throw new Error(
        `unknown or invalid argument ${flag ?? ''}: expected --systems <list of ${SYSTEMS.join(', ')}>, ` +
          '--clients <increasing counts>',
      );
    }
    i += 1;
  }
  const most = args.clients.at(-1)!;
  const limit = openFilesLimit() ?? 0;
  if (most + FD_HEADROOM > limit) {
    throw new Error(`${most} clients need an open-files limit of ${most + FD_HEADROOM}; it is ${limit} (ulimit -n)`);
  }
  return args;
}

/** V8's heap after a full GC; null for Mosquitto, which is not a Node process. */
type Heap = GcReply['heap'] | null;

interface Step {
  clients: number;
  reading: SettledReading<Heap>;
}

function collectorOf(system: RunningSystem): () => Promise<Heap> {
  const server = system.server;
  // Mosquitto cannot be asked: its RSS is read as it is.
  if (server === null) return () => Promise.resolve(null);
  return async () => {
    const { heap } = await request(server, { type: 'gc' });
    await sleep(200);
    return heap;
  };
}

async function measure(
  name: SystemName,
  counts: readonly number[],
): Promise<{ start: SettledReading<Heap>; steps: Step[] }> {
  const system = await startSystem(name);
  const groups: ClientGroup[] = [];
  try {
    const collect = collectorOf(system);
    const start = await settledRss(system.serverPid, collect);
    const steps: Step[] = [];
    let connected = 0;
    for (const count of counts) {
      const group = await connectClients(system, count - connected);
      groups.push(group);
      if (group.outcome.failed > 0) {
        throw new Error(`${group.outcome.failed} clients of ${name} failed: ${group.outcome.firstError ?? 'unknown'}`);
      }
      connected += group.outcome.connected;
      steps.push({ clients: connected, reading: await settledRss(system.serverPid, collect) });
    }
    return { start, steps };
  } finally {
    for (const group of groups) await group.close();
    await system.stop();
  }
}

/** KiB per connection of what grew between two readings. */
function perConnection(now: number, then: number, connections: number): string {
  return ((now - then) / connections).toFixed(1);
}

function heapColumns(step: Heap, start: Heap, clients: number): string {
  if (step === null || start === null) return '– | –';
  return `${perConnection(step.usedKb, start.usedKb, clients)} | ${perConnection(step.physicalKb, start.physicalKb, clients)}`;
}

async function main(): Promise<void> {
  const args = parseIdleArgs(process.argv.slice(2));
  const rows: string[] = [];
  for (const name of args.systems) {
    const { start, steps } = await measure(name, args.clients);
    let previous: Step | null = null;
    for (const step of steps) {
      const { rssKb, collected, waitedMs, settled } = step.reading;
      const marginal =
        previous === null ? '–' : perConnection(rssKb, previous.reading.rssKb, step.clients - previous.clients);
      rows.push(
        `| ${name} | ${step.clients} | ${(rssKb / 1024).toFixed(1)} | ${perConnection(rssKb, start.rssKb, step.clients)} | ` +
          `${marginal} | ${heapColumns(collected, start.collected, step.clients)} | ` +
          `${(waitedMs / 1000).toFixed(0)} s${settled ? '' : ' (not settled)'} |`,
      );
      previous = step;
    }
    console.error(`${name}: settled start ${(start.rssKb / 1024).toFixed(1)} MiB after ${start.waitedMs} ms`);
  }
  console.log(
    `\nSettled RSS with idle, subscribed clients (each reading after a full GC, ${SETTLE_RULE.intervalMs / 1000} s ` +
      `apart, at least ${SETTLE_RULE.minReadings}, until two in a row were within ${SETTLE_RULE.toleranceKb} KiB ` +
      `or ${SETTLE_RULE.tolerancePercent} %); ` +
      `KiB per connection:\n`,
  );
  console.log(
    [
      '| System | Clients | RSS MiB | RSS (vs start) | RSS (vs previous step) | V8 heap used | V8 heap physical | Waited |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
      ...rows,
    ].join('\n'),
  );
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
