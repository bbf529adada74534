import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clientCount } from './lib/args';
import { BENCH_DIR, request } from './lib/children';
import type { ClientGroup } from './lib/client-group';
import { machineInfo, openFilesLimit } from './lib/machine';
import { latencyCells, ms, pct, table } from './lib/report';
import { median, pairedRatios, type RatioSpread } from './measure/paired-ratios';
import { drain, measure, type Load, type PhaseResult } from './scenarios/phases';
import { FD_HEADROOM } from './scenarios/plan';
import { connectClients, isSystemName, startSystem, SYSTEMS, type SystemName } from './scenarios/systems';

/**
 * `npm run bench:latency [-- --systems a,b --rounds 5 --rate 100 --clients 1000 --window-ms 4000 --profile-clients]`:
 * latency at one fixed rate, every system up at once with its clients, measured in rounds
 * that take each system in turn (a different one first each round). The full run measures
 * the systems minutes apart, one after another, and a 4-s window's p99 rests on its slowest
 * few messages, so a busier minute of the machine can move it by 2×; here two systems of a
 * round are seconds apart, and each ratio is taken within a round before its median over
 * the rounds is. `--profile-clients` writes a CPU profile of every client process over each
 * of its system's windows, for `bench/profile-top.ts`.
 */

interface LatencyArgs {
  systems: SystemName[];
  rounds: number;
  rate: number;
  clients: number;
  windowMs: number;
  profileClients: boolean;
}

const DEFAULT_SYSTEMS: SystemName[] = ['roomcast-embedded', 'roomcast-bare-clients', 'naive-bridge', 'raw-ws'];
const REFERENCES: readonly SystemName[] = ['raw-ws', 'naive-bridge'];
const WARM_MS = 1_000;
const DRAIN_MS = 5_000;

function positive(flag: string, value: string | undefined, max: number): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    throw new Error(`${flag} takes a whole number from 1 to ${max}, not ${value ?? 'nothing'}`);
  }
  return number;
}

function parseLatencyArgs(argv: string[]): LatencyArgs {
  const args: LatencyArgs = {
    systems: DEFAULT_SYSTEMS,
    rounds: 5,
    rate: 100,
    clients: 1_000,
    windowMs: 4_000,
    profileClients: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    if (flag === '--profile-clients') {
      args.profileClients = true;
      continue;
    }
    i += 1;
    const value = argv[i];
    if (flag === '--systems') {
      const names = (value ?? '').split(',').filter((name) => name.length > 0);
      if (names.length === 0 || !names.every(isSystemName)) {
        throw new Error(`--systems takes a list of ${SYSTEMS.join(', ')}`);
      }
      args.systems = names;
    } else if (flag === '--rounds') args.rounds = positive(flag, value, 50);
    else if (flag === '--rate') args.rate = positive(flag, value, 10_000);
    else if (flag === '--clients') args.clients = clientCount(value);
    else if (flag === '--window-ms') args.windowMs = positive(flag, value, 60_000);
    else
      throw new Error(
        `unknown argument ${flag ?? ''}: expected --systems, --rounds, --rate, --clients, --window-ms, --profile-clients`,
      );
  }
  const needed = args.clients * args.systems.length + FD_HEADROOM;
  const limit = openFilesLimit() ?? 0;
  if (needed > limit) {
    throw new Error(
      `${args.systems.length} systems × ${args.clients} clients need an open-files limit of ${needed}; it is ${limit} (ulimit -n)`,
    );
  }
  return args;
}

interface Measured {
  round: number;
  system: SystemName;
  phase: PhaseResult;
}

/** Measures one window; with `profile`, each client process's CPU profile over it goes to `<dir>/<label>-clients<n>.cpuprofile`. */
async function measureWindow(
  load: Load,
  args: LatencyArgs,
  profile: { dir: string; label: string } | null,
): Promise<PhaseResult> {
  const timing = { warmMs: WARM_MS, windowMs: args.windowMs };
  if (profile === null) return measure(load, args.rate, timing);
  const processes = load.clients.processes;
  await Promise.all(processes.map((child) => request(child, { type: 'profile-start' })));
  const phase = await measure(load, args.rate, timing);
  await Promise.all(
    processes.map((child, p) =>
      request(
        child,
        { type: 'profile-stop', file: join(profile.dir, `${profile.label}-clients${p + 1}.cpuprofile`) },
        60_000,
      ),
    ),
  );
  return phase;
}

function spread(ratio: RatioSpread | null): string {
  return ratio === null ? '–' : `${ratio.median.toFixed(2)} (${ratio.min.toFixed(2)}–${ratio.max.toFixed(2)})`;
}

function report(args: LatencyArgs, measured: Measured[]): string {
  const rounds = table(
    ['Round', 'System', 'Delivered', 'p50 ms', 'p95 ms', 'p99 ms', 'Server CPU %', 'Clients CPU %', 'Machine busy %'],
    measured.map(({ round, system, phase }) => [
      String(round + 1),
      system,
      ...latencyCells(phase),
      pct(phase.cpu.server),
      pct(phase.cpu.clients),
      pct(phase.machine?.busyPercent),
    ]),
  );
  const references = REFERENCES.filter((ref) => args.systems.includes(ref));
  const byRound = (figure: (phase: PhaseResult) => number): Record<string, number>[] =>
    Array.from({ length: args.rounds }, (_, round) =>
      Object.fromEntries(measured.filter((m) => m.round === round).map((m) => [m.system, figure(m.phase)])),
    );
  const p50 = byRound((phase) => phase.latency.p50);
  const p99 = byRound((phase) => phase.latency.p99);
  const summary = table(
    [
      'System',
      'Median p50 ms',
      'Median p99 ms',
      'Median clients CPU %',
      ...references.flatMap((ref) => [`p50 ÷ ${ref}`, `p99 ÷ ${ref}`]),
    ],
    args.systems.map((system) => {
      const own = measured.filter((m) => m.system === system).map((m) => m.phase);
      return [
        system,
        ms(median(own.map((p) => p.latency.p50))),
        ms(median(own.map((p) => p.latency.p99))),
        pct(median(own.map((p) => p.cpu.clients))),
        ...references.flatMap((ref) =>
          ref === system
            ? ['–', '–']
            : [spread(pairedRatios(p50, system, ref)), spread(pairedRatios(p99, system, ref))],
        ),
      ];
    }),
  );
  return [
    `### Latency at ${args.rate} msg/s × ${args.clients} clients, ${args.rounds} interleaved rounds of ${args.windowMs / 1000} s`,
    '',
    rounds,
    '',
    summary,
    '',
    'Ratios: within each round, then the median over the rounds (range in brackets). Every system stays connected ' +
      'throughout: the ones waiting their turn use CPU for heartbeats only, but hold their connections in memory.',
  ].join('\n');
}

async function main(): Promise<void> {
  const args = parseLatencyArgs(process.argv.slice(2));
  const machine = machineInfo();
  const startedAt = new Date().toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const profileDir = args.profileClients ? join(BENCH_DIR, 'results', 'profiles', `latency-${stamp}`) : null;
  if (profileDir !== null) mkdirSync(profileDir, { recursive: true });
  const loads: { name: SystemName; load: Load }[] = [];
  try {
    for (const name of args.systems) {
      const system = await startSystem(name);
      let clients: ClientGroup;
      try {
        clients = await connectClients(system, args.clients);
      } catch (error) {
        await system.stop();
        throw error;
      }
      loads.push({ name, load: { system, clients, subscribersPerMessage: clients.outcome.connected, devices: 1 } });
      if (clients.outcome.failed > 0) {
        throw new Error(
          `${clients.outcome.failed} clients of ${name} failed: ${clients.outcome.firstError ?? 'unknown'}`,
        );
      }
      console.error(`${name}: ${clients.outcome.connected} clients connected`);
    }
    const measured: Measured[] = [];
    for (let round = 0; round < args.rounds; round += 1) {
      for (let k = 0; k < loads.length; k += 1) {
        const { name, load } = loads[(round + k) % loads.length]!;
        const profile = profileDir === null ? null : { dir: profileDir, label: `${name}-round${round + 1}` };
        const phase = await measureWindow(load, args, profile);
        await drain(load, DRAIN_MS);
        measured.push({ round, system: name, phase });
        console.error(
          `round ${round + 1} ${name}: p50 ${ms(phase.latency.p50)} p99 ${ms(phase.latency.p99)} ms, ` +
            `${Math.round(phase.deliveredRatio * 100)} % delivered`,
        );
      }
    }
    const markdown = report(args, measured);
    console.log(`\n${markdown}`);
    const dir = join(BENCH_DIR, 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `latency-${stamp}`);
    writeFileSync(`${file}.json`, JSON.stringify({ machine, startedAt, args, measured }, null, 2));
    writeFileSync(`${file}.md`, `${markdown}\n`);
    console.error(`\nresults in ${file}.json and .md`);
    if (profileDir !== null) {
      console.error(
        `client CPU profiles in ${profileDir}; summarise a system's with: npx tsx bench/profile-top.ts ${profileDir}/<system>-round*.cpuprofile`,
      );
    }
  } finally {
    for (const { load } of loads) {
      await load.clients.close();
      await load.system.stop();
    }
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
