import Joi from 'joi';
import type { Normaliser, NormaliserInput, NormaliseResult } from './types';
import { checkId, parseJson, parseTimestamp, requireObject, validateWith } from './parse-payload';

interface SoilReading {
  moisture: number;
  temperature: number;
  humidity: number;
  light: number;
  timestamp?: unknown;
}

/**
 * Ranges are the sensor's datasheet limits: a value outside them is a faulty cell,
 * not weather. Unknown keys are allowed because firmware adds diagnostics, but the
 * event is built field by field so none of them reaches a room.
 */
const schema = Joi.object<SoilReading>({
  moisture: Joi.number().min(0).max(100).required(),
  temperature: Joi.number().min(-40).max(85).required(),
  humidity: Joi.number().min(0).max(100).required(),
  light: Joi.number().min(0).max(200_000).required(),
  timestamp: Joi.any(),
}).unknown(true);

/** `sensors/{sensorId}/data`: a soil sensor's reading. */
export const sensorReadingNormaliser: Normaliser = {
  params: ['sensorId'],
  normalise({ params, payload, receivedAt }: NormaliserInput): NormaliseResult {
    const sensorId = checkId(params.sensorId, 'sensorId');
    if (!sensorId.ok) return sensorId;
    const json = parseJson(payload);
    if (!json.ok) return json;
    const object = requireObject(json.value, 'a sensor reading');
    if (!object.ok) return object;
    const reading = validateWith(schema, object.value);
    if (!reading.ok) return reading;
    const timestamp = parseTimestamp(reading.value.timestamp, receivedAt);
    if (!timestamp.ok) return timestamp;
    const { moisture, temperature, humidity, light } = reading.value;
    return {
      ok: true,
      event: {
        kind: 'sensor_reading',
        payload: { sensorId: sensorId.value, moisture, temperature, humidity, light, timestamp: timestamp.value },
      },
    };
  },
};
