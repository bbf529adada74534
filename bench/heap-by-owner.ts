import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { clientCount } from './lib/args';
import { BENCH_DIR, request, sleep } from './lib/children';
import { ClientGroup } from './lib/client-group';
import { heapByOwner, type HeapSnapshot } from './measure/heap-owners';
import { isSystemName, startSystem, type SystemName } from './scenarios/systems';

/**
 * `npm run bench:heap [-- --clients 2000] [--system roomcast-embedded] [--keep]`: what an idle
 * connection keeps on the server's heap, by owner. Starts the system as the bench does,
 * takes a heap snapshot, connects the clients (each subscribed to the one room), takes
 * another, and prints the new objects' bytes per connection under the library object that
 * holds them (see measure/heap-owners.ts). The snapshots go to bench/results/heap/ and are
 * deleted afterwards unless --keep (they open in Chrome DevTools' Memory tab).
 */

interface HeapArgs {
  system: SystemName;
  clients: number;
  keep: boolean;
}

function parseHeapArgs(argv: string[]): HeapArgs {
  const args: HeapArgs = { system: 'roomcast-embedded', clients: 2000, keep: false };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--keep') {
      args.keep = true;
    } else if (flag === '--clients') {
      args.clients = clientCount(value);
      i += 1;
    } else if (flag === '--system' && value !== undefined && isSystemName(value)) {
      args.system = value;
      i += 1;
    } else {
      throw new Error(`unknown or invalid argument ${flag ?? ''}: expected --clients <n>, --system <name>, --keep`);
    }
  }
  return args;
}

function readSnapshot(file: string): HeapSnapshot {
  return JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot;
}

async function main(): Promise<void> {
  const args = parseHeapArgs(process.argv.slice(2));
  const dir = join(BENCH_DIR, 'results', 'heap');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const files = { before: join(dir, `${stamp}-before.heapsnapshot`), after: join(dir, `${stamp}-after.heapsnapshot`) };

  const system = await startSystem(args.system);
  let clients: ClientGroup | null = null;
  try {
    const server = system.server;
    if (server === null) throw new Error(`${args.system} is not a Node process`);
    await sleep(1_000);
    await request(server, { type: 'heap-snapshot', file: files.before }, 120_000);
    clients = await ClientGroup.connect({
      kind: system.clientKind,
      url: system.clientUrl,
      token: system.token,
      count: args.clients,
    });
    const { connected } = clients.outcome;
    if (connected === 0) throw new Error(`no client could connect: ${clients.outcome.firstError ?? 'unknown'}`);
    await sleep(2_000);
    await request(server, { type: 'heap-snapshot', file: files.after }, 120_000);

    const shares = heapByOwner(readSnapshot(files.before), readSnapshot(files.after));
    const total = shares.reduce((sum, share) => sum + share.bytes, 0);
    const rows = shares.map(
      (share) =>
        `| ${share.owner} | ${Math.round(share.bytes / connected)} | ${(share.objects / connected).toFixed(1)} |`,
    );
    console.log(
      `Heap added by ${connected} idle ${system.clientKind} connections to ${args.system}, per connection:\n`,
    );
    console.log(['| Owner | Bytes | Objects |', '| --- | --- | --- |', ...rows].join('\n'));
    console.log(`| total | ${Math.round(total / connected)} | |`);
    if (args.keep) console.log(`\nSnapshots: ${files.before}, ${files.after}`);
  } finally {
    await clients?.close();
    await system.stop();
    if (!args.keep) for (const file of Object.values(files)) rmSync(file, { force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
