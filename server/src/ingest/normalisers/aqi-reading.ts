import Joi from 'joi';
import { normaliseLocation, POLLUTANTS } from '@roomcast/shared';
import type { Pollutant } from '@roomcast/shared';
import type { AqiReadingInput, Normaliser, NormaliserInput, NormaliseResult } from './types';
import { checkId, parseJson, parseTimestamp, requireObject, validateWith } from './parse-payload';

/**
 * The "physically implausible" cut-off, in EPA's units (pm25, pm10 µg/m³; o3, co
 * ppm; so2, no2 ppb). Each is several times the top of EPA's AQI table and above
 * anything measured outdoors, even in wildfire smoke or a dust storm, so a value
 * beyond it is a broken sensor or a unit mix-up, never air worth reporting.
 */
export const PHYSICAL_CEILINGS: Readonly<Record<Pollutant, number>> = Object.freeze({
  pm25: 1000,
  pm10: 2000,
  o3: 1,
  co: 100,
  so2: 2000,
  no2: 3000,
});

type ReadingFields = Partial<Record<Pollutant, number>> & { timestamp?: unknown };

const concentration = (pollutant: Pollutant): Joi.NumberSchema =>
  Joi.number()
    .min(0)
    .max(PHYSICAL_CEILINGS[pollutant])
    .messages({
      'number.max': `${pollutant} above ${PHYSICAL_CEILINGS[pollutant]} is physically implausible; check the sensor and its unit`,
    });

/** Unknown keys (station metadata, other pollutants) are ignored and never passed on. */
const schema = Joi.object<ReadingFields>({
  pm25: concentration('pm25'),
  pm10: concentration('pm10'),
  o3: concentration('o3'),
  co: concentration('co'),
  so2: concentration('so2'),
  no2: concentration('no2'),
  timestamp: Joi.any(),
})
  .or(...POLLUTANTS)
  .unknown(true)
  .messages({ 'object.missing': `a reading must carry at least one of ${POLLUTANTS.join(', ')}` });

/** `aqi/{location}/readings`: pollutant concentrations at a monitoring location. */
export const aqiReadingNormaliser: Normaliser = {
  params: ['location'],
  normalise({ params, payload, receivedAt }: NormaliserInput): NormaliseResult {
    // Rooms name locations in normalised form, so the reading must too.
    const location = checkId(
      typeof params.location === 'string' ? normaliseLocation(params.location) : params.location,
      'location',
    );
    if (!location.ok) return location;
    const json = parseJson(payload);
    if (!json.ok) return json;
    const object = requireObject(json.value, 'an AQI reading');
    if (!object.ok) return object;
    const reading = validateWith(schema, object.value);
    if (!reading.ok) return reading;
    const timestamp = parseTimestamp(reading.value.timestamp, receivedAt);
    if (!timestamp.ok) return timestamp;
    const concentrations: AqiReadingInput['concentrations'] = {};
    for (const pollutant of POLLUTANTS) {
      const value = reading.value[pollutant];
      if (value !== undefined) concentrations[pollutant] = value;
    }
    return {
      ok: true,
      event: {
        kind: 'aqi_reading',
        reading: { location: location.value, concentrations, timestamp: timestamp.value },
      },
    };
  },
};
