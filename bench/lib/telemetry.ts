/**
 * The one message every system carries, and the clock its latency is measured on.
 */

/**
 * Milliseconds (with µs precision) on CLOCK_MONOTONIC. Node's hrtime reads that clock,
 * which on Linux is one clock for the whole machine, so a time taken in the publisher
 * and one taken in a client process can be subtracted; wall time (Date.now) could step.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

/** Room/topic name of the bench's device `index`. */
export function deviceId(index: number): string {
  return `d${index}`;
}

export function telemetryTopic(index: number): string {
  return `devices/${deviceId(index)}/telemetry`;
}

/**
 * A ~150-byte flat telemetry object. `t` is the publish time on `monotonicMs`; the gateway
 * passes it through as a metric, so a client reads it back as `data.t`. Values vary with
 * `seq` so no layer can cache one serialisation.
 */
export function telemetryPayload(seq: number, t: number = monotonicMs()): string {
  return JSON.stringify({
    temperature: 20 + (seq % 1000) / 100,
    humidity: 40 + (seq % 500) / 50,
    pressure: 1013.25,
    vibration: (seq % 97) / 1000,
    rpm: 1400 + (seq % 200),
    running: true,
    mode: 'auto',
    seq,
    t: Math.round(t * 1000) / 1000,
  });
}

/** Reads `t` from a delivered object (`data.t` for the socket.io systems, `t` for the raw ones). */
export function publishTimeOf(value: unknown): number | null {
  if (typeof value !== 'object' || value === null) return null;
  const t = (value as { t?: unknown }).t;
  return typeof t === 'number' ? t : null;
}
