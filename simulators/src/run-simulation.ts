import { performance } from 'node:perf_hooks';
import type { Family, SimDevice, SimMessage } from './family';
import { openLink, planLinks, type Link, type Member } from './link';
import { createRandom } from './random';

export interface SimulationOptions {
  /** The broker, such as `mqtt://127.0.0.1:1883`. */
  url: string;
  username?: string;
  password?: string;
  families: readonly Family[];
  /** Devices per family, 1–10000. */
  devices: number;
  /** Samples per second per device, > 0 and ≤ 1000. */
  rate: number;
  /** Stop after this long; without it the run lasts until `signal` aborts. */
  durationMs?: number;
  /** Probability per sample that an injected event starts, 0–1. */
  anomalyRate: number;
  /** The same seed gives every device the same readings. A uint32. */
  seed: number;
  /** Prepended to every device id, so that concurrent runs on one broker keep apart. Default ''. */
  idPrefix?: string;
  signal?: AbortSignal;
  /** How often `onProgress` is called. @default 1000 */
  progressIntervalMs?: number;
  onProgress?(progress: SimulationProgress): void;
  /** The broker could not be reached or refused the connection; the run keeps retrying. */
  onConnectionError?(error: Error): void;
  /** A publish failed; it is counted in `errors`. */
  onPublishError?(error: Error, message: SimMessage): void;
}

export interface SimulationStats {
  /** Messages the broker acknowledged (QoS 1 PUBACK), status messages included. */
  sent: number;
  /** Publishes that failed. */
  errors: number;
  /** Samples not taken because the connection was down or too many publishes were awaiting acknowledgement. */
  skipped: number;
  /** Publishes still unacknowledged when the run ended. */
  unacknowledged: number;
  /** Whether any connection to the broker ever came up. */
  connected: boolean;
  elapsedMs: number;
}

export interface SimulationProgress extends SimulationStats {
  connections: number;
  connectionsUp: number;
}

/**
 * Beyond this many unacknowledged publishes on one connection, samples are
 * skipped rather than queued: a broker slower than the requested rate must not
 * grow the simulator's memory without bound.
 */
const MAX_IN_FLIGHT_PER_LINK = 2_000;
/** Samples one device may catch up in one tick after the event loop stalled; older ones are skipped. */
const MAX_CATCH_UP = 10;
const CLOSE_TIMEOUT_MS = 3_000;

interface Scheduled {
  device: SimDevice;
  link: Link;
  /** performance.now() time of the next sample. */
  dueMs: number;
}

function validate(options: SimulationOptions): void {
  const { devices, rate, durationMs, anomalyRate, seed } = options;
  if (options.families.length === 0) throw new RangeError('families must name at least one family');
  if (!Number.isInteger(devices) || devices < 1 || devices > 10_000) {
    throw new RangeError(`devices must be an integer 1–10000, got ${devices}`);
  }
  if (!(rate > 0 && rate <= 1000)) throw new RangeError(`rate must be > 0 and ≤ 1000 Hz, got ${rate}`);
  if (durationMs !== undefined && !(durationMs > 0)) throw new RangeError(`durationMs must be > 0, got ${durationMs}`);
  if (!(anomalyRate >= 0 && anomalyRate <= 1)) throw new RangeError(`anomalyRate must be 0–1, got ${anomalyRate}`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new RangeError(`seed must be an integer 0–4294967295, got ${seed}`);
  }
}

/**
 * Runs the given families against a broker: every device publishes `rate`
 * samples a second with QoS 1 until `durationMs` passes or `signal` aborts,
 * then device families publish `offline` and every connection ends cleanly.
 * Resolves with the counts; rejects only if a family throws (a bug).
 */
export async function runSimulation(options: SimulationOptions): Promise<SimulationStats> {
  validate(options);
  const { families, devices, rate, anomalyRate, seed, idPrefix = '', signal } = options;
  const root = createRandom(seed);
  const members: Member[] = families.flatMap((family) =>
    Array.from({ length: devices }, (_, index) => ({
      family,
      // Forked by name, so a device's readings do not depend on which other families run.
      device: family.createDevice(index, root.fork(`${family.name}/${index}`), { anomalyRate, idPrefix }),
    })),
  );

  const stats: SimulationStats = { sent: 0, errors: 0, skipped: 0, unacknowledged: 0, connected: false, elapsedMs: 0 };
  const links = planLinks(members).map((plan) =>
    openLink(plan, options, {
      onConnect: () => {
        stats.connected = true;
      },
      onConnectionError: (error) => options.onConnectionError?.(error),
      onPublished: (error, message) => {
        if (error === undefined) {
          stats.sent += 1;
        } else {
          stats.errors += 1;
          options.onPublishError?.(error, message);
        }
      },
    }),
  );

  const periodMs = 1000 / rate;
  const startMs = performance.now();
  const startWallMs = Date.now();
  // Spread the devices' first samples over one period, so they do not all publish in the same tick.
  const schedule: Scheduled[] = links.flatMap((link) =>
    link.plan.members.map(({ device }) => ({ device, link, dueMs: 0 })),
  );
  schedule.forEach((entry, position) => {
    entry.dueMs = startMs + (periodMs * position) / schedule.length;
  });

  const tick = (): void => {
    const nowMs = performance.now();
    for (const entry of schedule) {
      let taken = 0;
      while (entry.dueMs <= nowMs && taken < MAX_CATCH_UP) {
        if (entry.link.isUp() && entry.link.inFlight() < MAX_IN_FLIGHT_PER_LINK) {
          // The sample's own instant, not the tick's: readings stay evenly spaced in time.
          for (const message of entry.device.next(new Date(startWallMs + (entry.dueMs - startMs)))) {
            entry.link.publish(message);
          }
        } else {
          stats.skipped += 1;
        }
        entry.dueMs += periodMs;
        taken += 1;
      }
      if (entry.dueMs <= nowMs) {
        const behind = Math.floor((nowMs - entry.dueMs) / periodMs) + 1;
        stats.skipped += behind;
        entry.dueMs += behind * periodMs;
      }
    }
  };

  const snapshot = (): SimulationProgress => ({
    ...stats,
    elapsedMs: performance.now() - startMs,
    connections: links.length,
    connectionsUp: links.filter((link) => link.isUp()).length,
  });

  let failure: unknown = null;
  await new Promise<void>((resolve) => {
    const timers: NodeJS.Timeout[] = [];
    const stop = (): void => {
      for (const timer of timers) clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      resolve();
    };
    if (signal?.aborted) return stop();
    signal?.addEventListener('abort', stop, { once: true });
    timers.push(
      setInterval(
        () => {
          try {
            tick();
          } catch (error) {
            failure = error;
            stop();
          }
        },
        Math.min(50, Math.max(5, periodMs)),
      ),
    );
    if (options.durationMs !== undefined) timers.push(setTimeout(stop, options.durationMs));
    if (options.onProgress !== undefined) {
      const onProgress = options.onProgress;
      timers.push(setInterval(() => onProgress(snapshot()), options.progressIntervalMs ?? 1000));
    }
  });

  await Promise.all(links.map((link) => link.close(CLOSE_TIMEOUT_MS)));
  stats.unacknowledged = links.reduce((sum, link) => sum + link.inFlight(), 0);
  stats.elapsedMs = performance.now() - startMs;
  if (failure !== null) throw failure;
  return stats;
}
