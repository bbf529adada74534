import { randomInt } from 'node:crypto';
import { parseArgs } from 'node:util';
import { isValidId } from '@roomcast/shared';
import { FAMILY_NAMES, isFamilyName, type FamilyName } from './family';

/** Everything the command line decides, validated. */
export interface CliOptions {
  families: FamilyName[];
  devices: number;
  rate: number;
  durationMs?: number;
  anomalyRate: number;
  url: string;
  username?: string;
  password?: string;
  seed: number;
  /** False when the seed was drawn at random: the summary then says how to repeat the run. */
  seedGiven: boolean;
  idPrefix: string;
}

export type CliParse = { kind: 'run'; options: CliOptions } | { kind: 'help' } | { kind: 'error'; message: string };

/** The defaults of every option, in one place; `--help` prints them. */
export const CLI_DEFAULTS = {
  /** @default 5 */
  devices: 5,
  /** Samples per second per device. @default 1 */
  rate: 1,
  /** @default 0.02 */
  anomalyRate: 0.02,
  /** The port `npm start`'s embedded broker listens on when MQTT_EMBEDDED_PORT is unset. @default 1883 */
  embeddedPort: 1883,
} as const;

const OPTIONS = {
  all: { type: 'boolean' },
  devices: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  'anomaly-rate': { type: 'string' },
  url: { type: 'string' },
  username: { type: 'string' },
  password: { type: 'string' },
  seed: { type: 'string' },
  'id-prefix': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const URL_PROTOCOLS = ['mqtt:', 'mqtts:', 'tcp:', 'tls:', 'ws:', 'wss:'];

export function usage(): string {
  return `Usage: npm run simulate -- <family> [options]
       npm run simulate -- --all [options]

Publishes realistic device messages to an MQTT broker (QoS 1) until the
duration ends or Ctrl-C.

Families:
  soil         soil sensors on sensors/{sensorId}/data
  subtronics   gas detectors (CO, H2S, CH4, O2) on SubTronics/data, status on devices/{serial}/status
  telemetry    motors on devices/{deviceId}/telemetry, status on devices/{deviceId}/status
  spc          SPC samples on spc/{characteristicId}/samples
  aqi          air-quality stations on aqi/{location}/readings
  --all        every family at once, --devices of each

Options:
  --devices N        devices per family, 1–10000 (default ${CLI_DEFAULTS.devices})
  --rate HZ          samples per second per device, > 0 and ≤ 1000 (default ${CLI_DEFAULTS.rate})
  --duration S       stop after S seconds (default: run until Ctrl-C)
  --anomaly-rate P   probability per sample of an injected event, 0–1 (default ${CLI_DEFAULTS.anomalyRate})
  --url URL          broker URL (default $MQTT_URL, else mqtt://127.0.0.1:$MQTT_EMBEDDED_PORT, port ${CLI_DEFAULTS.embeddedPort} unless set)
  --username NAME    broker user (default $MQTT_USERNAME)
  --password SECRET  broker password (default $MQTT_PASSWORD)
  --seed N           integer 0–4294967295: the same seed gives the same readings (default: random, printed at the end)
  --id-prefix TEXT   prepended to every device id, to keep two runs on one broker apart (default none)
  -h, --help         show this help

Example: npm run simulate -- soil --devices 2 --rate 2 --duration 10
`;
}

/**
 * parseArgs refuses `--rate -1` as ambiguous; an option value that looks like
 * a negative number is joined to its option so that the range check below
 * can say what is wrong with it.
 */
function joinNegativeValues(argv: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    const next = argv[i + 1];
    const name = token.startsWith('--') ? token.slice(2) : '';
    const takesValue = name in OPTIONS && OPTIONS[name as keyof typeof OPTIONS].type === 'string';
    if (takesValue && next !== undefined && /^-\.?\d/.test(next)) {
      joined.push(`${token}=${next}`);
      i += 1;
    } else {
      joined.push(token);
    }
  }
  return joined;
}

class ArgumentError extends Error {}

function number(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new ArgumentError(`--${option} must be a number, got "${text}"`);
  return value;
}

function check(ok: boolean, message: string): void {
  if (!ok) throw new ArgumentError(message);
}

function defaultUrl(env: NodeJS.ProcessEnv): string {
  if (env.MQTT_URL !== undefined && env.MQTT_URL !== '') return env.MQTT_URL;
  const port = env.MQTT_EMBEDDED_PORT;
  if (port === undefined || port === '') return `mqtt://127.0.0.1:${CLI_DEFAULTS.embeddedPort}`;
  check(
    /^\d+$/.test(port) && Number(port) >= 1 && Number(port) <= 65535,
    `MQTT_EMBEDDED_PORT must be a port 1–65535, got "${port}"`,
  );
  return `mqtt://127.0.0.1:${Number(port)}`;
}

function parseUrl(text: string, from: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ArgumentError(`${from} must be a URL such as mqtt://127.0.0.1:1883, got "${text}"`);
  }
  check(
    URL_PROTOCOLS.includes(url.protocol),
    `${from} must use one of ${URL_PROTOCOLS.map((p) => p.slice(0, -1)).join(', ')}, got "${url.protocol.slice(0, -1)}"`,
  );
  return text;
}

/** Parses and validates the command line and the environment; never exits, never prints. */
export function parseCliArgs(argv: readonly string[], env: NodeJS.ProcessEnv): CliParse {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
    if (values.help === true) return { kind: 'help' };

    let families: FamilyName[];
    if (values.all === true) {
      check(positionals.length === 0, `--all runs every family; drop "${positionals.join(' ')}"`);
      families = [...FAMILY_NAMES];
    } else {
      check(positionals.length > 0, `name a family (${FAMILY_NAMES.join(', ')}) or use --all`);
      check(positionals.length === 1, `name one family, or use --all; got "${positionals.join(' ')}"`);
      const name = positionals[0] ?? '';
      check(isFamilyName(name), `unknown family "${name}"; expected one of ${FAMILY_NAMES.join(', ')}`);
      families = [name as FamilyName];
    }

    const devices = number('devices', values.devices) ?? CLI_DEFAULTS.devices;
    check(
      Number.isInteger(devices) && devices >= 1 && devices <= 10_000,
      `--devices must be an integer 1–10000, got ${values.devices}`,
    );
    const rate = number('rate', values.rate) ?? CLI_DEFAULTS.rate;
    check(rate > 0 && rate <= 1000, `--rate must be > 0 and ≤ 1000 (Hz per device), got ${values.rate}`);
    const duration = number('duration', values.duration);
    check(duration === undefined || duration > 0, `--duration must be > 0 seconds, got ${values.duration}`);
    const anomalyRate = number('anomaly-rate', values['anomaly-rate']) ?? CLI_DEFAULTS.anomalyRate;
    check(anomalyRate >= 0 && anomalyRate <= 1, `--anomaly-rate must be 0–1, got ${values['anomaly-rate']}`);
    const seedText = values.seed;
    check(
      seedText === undefined || (/^\d+$/.test(seedText) && Number(seedText) <= 0xffffffff),
      `--seed must be an integer 0–4294967295, got "${seedText}"`,
    );
    const idPrefix = values['id-prefix'] ?? '';
    check(
      idPrefix === '' || (isValidId(idPrefix) && idPrefix.length <= 64),
      `--id-prefix must be up to 64 characters of [A-Za-z0-9._-], got "${idPrefix}"`,
    );
    const url = values.url !== undefined ? parseUrl(values.url, '--url') : parseUrl(defaultUrl(env), 'MQTT_URL');
    const username = values.username ?? (env.MQTT_USERNAME || undefined);
    const password = values.password ?? (env.MQTT_PASSWORD || undefined);
    check(
      password === undefined || username !== undefined,
      'a password needs a username (--username or MQTT_USERNAME)',
    );

    const options: CliOptions = {
      families,
      devices,
      rate,
      anomalyRate,
      url,
      seed: seedText === undefined ? randomInt(0, 0xffffffff) : Number(seedText),
      seedGiven: seedText !== undefined,
      idPrefix,
    };
    if (duration !== undefined) options.durationMs = duration * 1000;
    if (username !== undefined) options.username = username;
    if (password !== undefined) options.password = password;
    return { kind: 'run', options };
  } catch (error) {
    if (error instanceof ArgumentError) return { kind: 'error', message: error.message };
    // parseArgs reports unknown options and missing values with a code and a readable message.
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
      return { kind: 'error', message: error.message };
    }
    throw error;
  }
}
