import type { MetricValue } from '@roomcast/shared';
import type { Normaliser, NormaliserInput, NormaliseResult } from './types';
import { accept, checkId, describe, excerpt, parseJson, parseTimestamp, reject, requireObject } from './parse-payload';
import type { Parsed } from './parse-payload';

export const MAX_METRICS = 100;
export const MAX_METRIC_STRING_LENGTH = 256;
export const METRIC_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const METRIC_NAME_RULE = '1-64 characters of [A-Za-z0-9_.-]';

/** The one key that is not a metric. */
const TIMESTAMP_KEY = 'timestamp';

/**
 * Checked by hand rather than with joi: the keys are the device's own metric
 * names, and each message must name the offending metric.
 */
function readMetrics(message: Record<string, unknown>): Parsed<Record<string, MetricValue>> {
  const entries = Object.entries(message).filter(([name]) => name !== TIMESTAMP_KEY);
  if (entries.length === 0) return reject('invalid_payload', 'telemetry carries no metrics; send 1 to 100');
  if (entries.length > MAX_METRICS) {
    return reject('invalid_payload', `telemetry carries ${entries.length} metrics; at most ${MAX_METRICS} are allowed`);
  }
  for (const [name, value] of entries) {
    // `__proto__` passes the name rule but would change a plain object's prototype if anyone assigned it.
    if (!METRIC_NAME_PATTERN.test(name) || name === '__proto__') {
      return reject('invalid_payload', `metric name ${excerpt(name)} must be ${METRIC_NAME_RULE}`);
    }
    const problem = metricValueProblem(value);
    if (problem !== null) return reject('invalid_payload', `metric "${name}" ${problem}`);
  }
  // fromEntries defines own properties, so no key can reach a prototype.
  return accept(Object.fromEntries(entries) as Record<string, MetricValue>);
}

function metricValueProblem(value: unknown): string | null {
  switch (typeof value) {
    case 'boolean':
      return null;
    case 'number':
      return Number.isFinite(value) ? null : 'must be a finite number';
    case 'string':
      return value.length <= MAX_METRIC_STRING_LENGTH
        ? null
        : `is a string of ${value.length} characters; at most ${MAX_METRIC_STRING_LENGTH} are allowed`;
    default:
      return `is ${describe(value)}; a metric must be a number, string or boolean (telemetry is flat)`;
  }
}

/** `devices/{deviceId}/telemetry`: a flat object of named metrics. Generic devices carry no thresholds. */
export const deviceTelemetryNormaliser: Normaliser = {
  params: ['deviceId'],
  normalise({ params, payload, receivedAt }: NormaliserInput): NormaliseResult {
    const deviceId = checkId(params.deviceId, 'deviceId');
    if (!deviceId.ok) return deviceId;
    const json = parseJson(payload);
    if (!json.ok) return json;
    const object = requireObject(json.value, 'telemetry');
    if (!object.ok) return object;
    const data = readMetrics(object.value);
    if (!data.ok) return data;
    const timestamp = parseTimestamp(object.value[TIMESTAMP_KEY], receivedAt);
    if (!timestamp.ok) return timestamp;
    return {
      ok: true,
      event: {
        kind: 'device:data',
        payload: { deviceId: deviceId.value, data: data.value, timestamp: timestamp.value },
        thresholds: [],
      },
    };
  },
};
