import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, USAGE } from './lib/args';
import { BENCH_DIR } from './lib/children';
import { SPLIT_AT } from './lib/client-group';
import { machineInfo } from './lib/machine';
import { computeRatios } from './lib/ratios';
import { renderReport } from './lib/report';
import type { BenchResults, ScenarioResult } from './lib/results';
import { telemetryPayload } from './lib/telemetry';
import { runDashboard } from './scenarios/dashboard';
import { runFanout } from './scenarios/fanout';
import { runIngest } from './scenarios/ingest';
import { makePlan } from './scenarios/plan';

/**
 * `npm run bench [-- --quick]`: runs the scenarios one after another (never two at once:
 * they would share the same cores), writes bench/results/<timestamp>.json after each,
 * and prints the tables at the end.
 */

const started = Date.now();
/** Fan-out runs above this many clients are the most expensive, and are run last. */
const LARGE_FANOUT = 5_000;

function log(line: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
  console.error(`${seconds}s ${line}`);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const machine = machineInfo();
  const startedAt = new Date(started).toISOString();
  const stamp = startedAt.replace(/[:.]/g, '-');
  const out = resolve(args.out ?? join(BENCH_DIR, 'results', `${stamp}.json`));
  mkdirSync(dirname(out), { recursive: true });
  const profileDir = args.profile ? join(BENCH_DIR, 'results', 'profiles', stamp) : null;
  const plan = makePlan(args, machine, profileDir);
  // Past this, the remaining scenarios are skipped (and said so), so a run always ends.
  const budgetMs = (args.quick ? 6 : 30) * 60_000;

  const scenarios: ScenarioResult[] = [];
  const notes = [
    `clients, publisher, brokers and the system under test share this machine's ${machine.cores} cores; ` +
      'compare systems through the ratios of one run, not absolute numbers across machines',
    `from ${SPLIT_AT} clients on, the clients are split over 2 load-generator processes`,
    'devices publish at QoS 0; the throttle is off except in the dashboard scenario',
    'latency is publish → client on the machine-wide monotonic clock, carried in the message as `t`',
    ...plan.notes,
  ];
  const results = (): BenchResults => ({
    machine,
    startedAt,
    finishedAt: new Date().toISOString(),
    durationSeconds: (Date.now() - started) / 1000,
    quick: args.quick,
    argv: process.argv.slice(2),
    messageBytes: Buffer.byteLength(telemetryPayload(123_456, 1_234_567.891)),
    notes,
    scenarios,
    ratios: computeRatios(scenarios),
  });
  const save = (): void => writeFileSync(out, `${JSON.stringify(results(), null, 2)}\n`);

  const fanout = (p: (typeof plan.fanout)[number]) => ({
    name: `fanout ${p.system} × ${p.clients}`,
    run: () => runFanout(p, log, notes),
  });
  // The largest client counts go last: on a machine slower than planned, they are what the budget cuts.
  const tasks: { name: string; run: () => Promise<ScenarioResult> }[] = [
    ...plan.fanout.filter((p) => p.clients <= LARGE_FANOUT).map(fanout),
    ...(plan.dashboard === null
      ? []
      : [{ name: 'dashboard', run: () => runDashboard(plan.dashboard as NonNullable<typeof plan.dashboard>, log) }]),
    ...plan.ingest.map((p) => ({ name: `ingest ${p.backend} batch ${p.batchSize}`, run: () => runIngest(p, log) })),
    ...plan.fanout.filter((p) => p.clients > LARGE_FANOUT).map(fanout),
  ];
  log(`${tasks.length} scenarios, ${args.quick ? 'quick' : 'full'} run; results in ${out}`);
  for (const task of tasks) {
    // A scenario takes up to two minutes (10k clients), so none starts that close to the budget.
    if (Date.now() - started > budgetMs - (args.quick ? 30_000 : 120_000)) {
      notes.push(`${task.name}: not run, the run's ${budgetMs / 60_000}-minute budget was spent`);
      continue;
    }
    log(`${task.name}: starting`);
    try {
      scenarios.push(await task.run());
    } catch (error) {
      log(`${task.name}: FAILED: ${errorText(error)}`);
      scenarios.push({ scenario: 'failed', name: task.name, error: errorText(error) });
    }
    save();
  }

  save();
  const report = renderReport(results());
  writeFileSync(out.replace(/\.json$/, '.md'), report);
  console.log(`\n${report}`);
  log(`done; results in ${out}`);
  if (profileDir !== null) log(`CPU profiles in ${profileDir}; summarise with: npx tsx bench/profile-top.ts <file>`);
}

main().then(
  // Exiting explicitly runs the exit hook that kills any child a failed scenario left behind.
  () => process.exit(0),
  (error: unknown) => {
    console.error(errorText(error));
    process.exit(1);
  },
);
