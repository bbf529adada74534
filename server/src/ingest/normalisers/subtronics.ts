import Joi from 'joi';
import type { MetricValue, SubTronicsMessage } from '@roomcast/shared';
import type { DeviceThreshold, Normaliser, NormaliserInput, NormaliseResult } from './types';
import { checkId, parseJson, parseTimestamp, reject, requireObject, validateWith } from './parse-payload';

type Direction = DeviceThreshold['direction'];

/** The vendor's message after validation; `unit` has its default, `serial_number` is checked apart as an id. */
type SubTronicsFields = Omit<SubTronicsMessage, 'serial_number' | 'unit' | 'timestamp'> & {
  serial_number: unknown;
  unit: NonNullable<SubTronicsMessage['unit']>;
  timestamp?: unknown;
};

/** Set points and offsets may be any finite value; `unsafe` only spares floats above 2^53 joi's integer warning. */
const finite = (): Joi.NumberSchema => Joi.number().unsafe();

/**
 * Unknown keys are ignored: the detector adds diagnostics between firmware releases,
 * and the output is built field by field, so none of them passes through.
 */
const schema = Joi.object<SubTronicsFields>({
  serial_number: Joi.required(),
  gas: Joi.string()
    .pattern(/^[A-Za-z0-9]{1,16}$/)
    .required()
    .messages({ 'string.pattern.base': 'gas must be 1-16 letters or digits, such as CO, H2S or O2' }),
  concentration: finite().min(0).required(),
  unit: Joi.string().valid('ppm', '%vol', '%LEL').default('ppm'),
  offset: finite().required(),
  battery: Joi.number().min(0).max(100).required(),
  signal_strength: Joi.number().min(-120).max(0).required(),
  alarm_level_1: finite().required(),
  alarm_level_2: finite().required(),
  alarm_direction: Joi.string().valid('rising', 'falling'),
  sensor_temperature: finite(),
  firmware: Joi.string().min(1).max(64),
  timestamp: Joi.any(),
}).unknown(true);

/** Oxygen is dangerous when it falls (asphyxiation); every other gas the detector measures, when it rises. */
function defaultDirection(gas: string): Direction {
  return gas.toUpperCase() === 'O2' ? 'falling' : 'rising';
}

/** Level 2 is the critical set point, so it must lie beyond level 1 in the direction the alarm fires. */
function levelOrderProblem(level1: number, level2: number, direction: Direction): string | null {
  if (direction === 'rising' && !(level2 > level1)) {
    return `alarm_level_2 (${level2}) must be above alarm_level_1 (${level1}) for a rising alarm`;
  }
  if (direction === 'falling' && !(level2 < level1)) {
    return `alarm_level_2 (${level2}) must be below alarm_level_1 (${level1}) for a falling alarm (O2 style)`;
  }
  return null;
}

/**
 * `SubTronics/data`: one topic for every detector, so the device id is the
 * serial number in the payload. The detector's set points become its thresholds.
 */
export const subtronicsNormaliser: Normaliser = {
  params: [],
  normalise({ payload, receivedAt }: NormaliserInput): NormaliseResult {
    const json = parseJson(payload);
    if (!json.ok) return json;
    const object = requireObject(json.value, 'a SubTronics message');
    if (!object.ok) return object;
    const message = validateWith(schema, object.value);
    if (!message.ok) return message;
    const m = message.value;
    const deviceId = checkId(m.serial_number, 'serial_number');
    if (!deviceId.ok) return deviceId;
    const direction = m.alarm_direction ?? defaultDirection(m.gas);
    const problem = levelOrderProblem(m.alarm_level_1, m.alarm_level_2, direction);
    if (problem !== null) return reject('invalid_payload', problem);
    const timestamp = parseTimestamp(m.timestamp, receivedAt);
    if (!timestamp.ok) return timestamp;

    const data: Record<string, MetricValue> = {
      gas: m.gas,
      concentration: m.concentration,
      unit: m.unit,
      offset: m.offset,
      battery: m.battery,
      signalStrength: m.signal_strength,
      alarmLevel1: m.alarm_level_1,
      alarmLevel2: m.alarm_level_2,
    };
    if (m.sensor_temperature !== undefined) data.sensorTemperature = m.sensor_temperature;
    if (m.firmware !== undefined) data.firmware = m.firmware;

    return {
      ok: true,
      event: {
        kind: 'device:data',
        payload: { deviceId: deviceId.value, data, timestamp: timestamp.value },
        thresholds: [{ metric: 'concentration', warning: m.alarm_level_1, critical: m.alarm_level_2, direction }],
      },
    };
  },
};
