import Joi from 'joi';
import type { Normaliser, NormaliserInput, NormaliseResult } from './types';
import { checkId, parseJson, parseTimestamp, requireObject, validateWith } from './parse-payload';

/** An X̄-R subgroup has 2 to 10 measurements; beyond 10 the range is a poor estimate of spread. */
export const MIN_SUBGROUP = 2;
export const MAX_SUBGROUP = 10;

interface SampleFields {
  value?: number;
  values?: number[];
  sampleId?: unknown;
  timestamp?: unknown;
}

const measurement = (): Joi.NumberSchema => Joi.number().unsafe();

const schema = Joi.object<SampleFields>({
  value: measurement(),
  values: Joi.array().items(measurement().required()).min(MIN_SUBGROUP).max(MAX_SUBGROUP),
  sampleId: Joi.any(),
  timestamp: Joi.any(),
})
  .xor('value', 'values')
  .unknown(true)
  .messages({
    'object.missing': `a sample must carry value (one measurement) or values (a subgroup of ${MIN_SUBGROUP}-${MAX_SUBGROUP})`,
    'object.xor': 'a sample must carry value or values, not both',
  });

/** `spc/{characteristicId}/samples`: one measurement or one subgroup for a control chart. */
export const spcSampleNormaliser: Normaliser = {
  params: ['characteristicId'],
  normalise({ params, payload, receivedAt }: NormaliserInput): NormaliseResult {
    const characteristicId = checkId(params.characteristicId, 'characteristicId');
    if (!characteristicId.ok) return characteristicId;
    const json = parseJson(payload);
    if (!json.ok) return json;
    const object = requireObject(json.value, 'an SPC sample');
    if (!object.ok) return object;
    const sample = validateWith(schema, object.value);
    if (!sample.ok) return sample;
    const { value, values, sampleId: rawSampleId, timestamp: rawTimestamp } = sample.value;
    let sampleId: string | null = null;
    if (rawSampleId !== undefined) {
      const checked = checkId(rawSampleId, 'sampleId');
      if (!checked.ok) return checked;
      sampleId = checked.value;
    }
    const timestamp = parseTimestamp(rawTimestamp, receivedAt);
    if (!timestamp.ok) return timestamp;
    return {
      ok: true,
      event: {
        kind: 'spc_sample',
        sample: {
          characteristicId: characteristicId.value,
          // xor guarantees exactly one of the two is present.
          values: values ?? [value as number],
          sampleId,
          timestamp: timestamp.value,
        },
      },
    };
  },
};
