#!/usr/bin/env node
import { parseCliArgs, usage, type CliOptions } from './args';
import { FAMILIES } from './families';
import { formatSummary, ProgressLine, redactUrl } from './progress';
import { runSimulation, type SimulationStats } from './run-simulation';

/** Socket errors that mean "nothing is listening there", as opposed to a broker that answered and refused. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function describeConnectionError(error: Error, url: string): string {
  const code = 'code' in error ? error.code : undefined;
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    return (
      `Cannot reach the MQTT broker at ${url} (${error.message}).\n` +
      '  `npm start` runs the gateway with an embedded broker on MQTT_EMBEDDED_PORT (1883 unless set);\n' +
      '  or point --url / MQTT_URL at your broker. Retrying until the duration ends or Ctrl-C.'
    );
  }
  if (typeof code === 'number') {
    return (
      `The MQTT broker at ${url} refused the connection: ${error.message}.\n` +
      '  Check --username/--password (MQTT_USERNAME/MQTT_PASSWORD). Retrying until the duration ends or Ctrl-C.'
    );
  }
  return `MQTT connection to ${url}: ${error.message} (retrying)`;
}

function describeRun(options: CliOptions, url: string): string {
  const length = options.durationMs === undefined ? 'until Ctrl-C' : `for ${options.durationMs / 1000} s`;
  return (
    `Simulating ${options.families.join(', ')}: ${options.devices} device(s) each at ${options.rate} Hz, ` +
    `anomaly rate ${options.anomalyRate}, seed ${options.seed} → ${url}, ${length}`
  );
}

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseCliArgs(argv, process.env);
  if (parsed.kind === 'help') {
    process.stdout.write(usage());
    return 0;
  }
  if (parsed.kind === 'error') {
    process.stderr.write(`roomcast-simulate: ${parsed.message}\n\n${usage()}`);
    return 2;
  }
  const options = parsed.options;
  const url = redactUrl(options.url);
  const progress = new ProgressLine(process.stderr, 2_000);
  // Each distinct connection error is printed once, not once per device per retry; forgotten once connected.
  const reported = new Set<string>();

  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    interrupted += 1;
    if (interrupted > 1) {
      progress.finish();
      process.stderr.write(`${signal} again: exiting without a clean stop\n`);
      process.exit(130);
    }
    progress.note(`${signal}: stopping (devices go offline, connections close); press Ctrl-C again to force`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  process.stderr.write(`${describeRun(options, url)}\n`);
  let stats: SimulationStats;
  try {
    stats = await runSimulation({
      ...options,
      families: options.families.map((name) => FAMILIES[name]),
      signal: controller.signal,
      // A terminal redraws the line often; a log gets one line every 5 s.
      progressIntervalMs: progress.interactive ? 250 : 5_000,
      onProgress: (snapshot) => {
        if (snapshot.connectionsUp > 0) reported.clear();
        progress.update(snapshot);
      },
      onConnectionError: (error) => {
        const message = describeConnectionError(error, url);
        if (reported.has(message)) return;
        reported.add(message);
        progress.note(message);
      },
      onPublishError: (error, message) => {
        const text = `publish to ${message.topic} failed: ${error.message}`;
        if (reported.has(text)) return;
        reported.add(text);
        progress.note(text);
      },
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    progress.finish();
  }

  if (!stats.connected) {
    process.stderr.write(`Never connected to the MQTT broker at ${url}; nothing was sent.\n`);
    return 1;
  }
  const repeat = options.seedGiven ? '' : ` (repeat with --seed ${options.seed})`;
  process.stdout.write(`${formatSummary(stats)}; seed ${options.seed}${repeat}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `roomcast-simulate: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
