import { isSystemName, SYSTEMS, type SystemName } from '../scenarios/systems';

export const SCENARIOS = ['fanout', 'dashboard', 'ingest'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchArgs {
  quick: boolean;
  only: ScenarioName[] | null;
  systems: SystemName[] | null;
  clients: number[] | null;
  out: string | null;
  /** Take a V8 CPU profile of each Node server (gateway, bridge, raw ws) over its fan-out ramps. */
  profile: boolean;
  /** BROADCAST_BATCH_INTERVAL_MS for the roomcast systems; null keeps the gateway's default. */
  batchIntervalMs: number | null;
  help: boolean;
}

export const USAGE = `npm run bench [-- options]

  --quick                 1k clients, 10 and 100 msg/s and the ramp, systems 1 (embedded broker), 2, 3, 4,
                          a short SQLite ingest run; about 3 minutes
  --only <list>           scenarios to run: ${SCENARIOS.join(', ')} (comma-separated)
  --systems <list>        fan-out systems: ${SYSTEMS.join(', ')}
  --clients <list>        fan-out client counts, such as 1000,5000
  --out <file>            results JSON (default bench/results/<timestamp>.json)
  --profile               CPU-profile each Node server over its ramps (bench/results/profiles/)
  --batch-interval <ms>   the gateway's BROADCAST_BATCH_INTERVAL_MS (default: the gateway's default)
  --help                  this text`;

function list(value: string | undefined, flag: string): string[] {
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** A `--clients` count: 1 to 20 000 (the open-files limit and the harness's budget bound it). */
export function clientCount(value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 20_000) throw new Error(`--clients takes 1-20000, not ${value ?? ''}`);
  return n;
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  const args: BenchArgs = {
    quick: false,
    only: null,
    systems: null,
    clients: null,
    out: null,
    profile: false,
    batchIntervalMs: null,
    help: false,
  };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    switch (flag) {
      case '--quick':
        args.quick = true;
        break;
      case '--profile':
        args.profile = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      case '--only':
        args.only = list(value, flag).map((name) => {
          if (!(SCENARIOS as readonly string[]).includes(name)) throw new Error(`unknown scenario ${name}`);
          return name as ScenarioName;
        });
        i += 1;
        break;
      case '--systems':
        args.systems = list(value, flag).map((name) => {
          if (!isSystemName(name)) throw new Error(`unknown system ${name}`);
          return name;
        });
        i += 1;
        break;
      case '--clients':
        args.clients = list(value, flag).map(clientCount);
        i += 1;
        break;
      case '--batch-interval': {
        const n = Number(value);
        if (!Number.isInteger(n) || n < 0 || n > 1_000)
          throw new Error(`--batch-interval takes 0-1000 ms, not ${value}`);
        args.batchIntervalMs = n;
        i += 1;
        break;
      }
      case '--out':
        if (value === undefined) throw new Error('--out needs a file');
        args.out = value;
        i += 1;
        break;
      default:
        throw new Error(`unknown option ${flag ?? ''}\n\n${USAGE}`);
    }
  }
  return args;
}
