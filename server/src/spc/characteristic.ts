import Joi from 'joi';
import { readDocumentFile } from '../config/document-file';
import { ID_PATTERN, type ViolationSeverity } from '@roomcast/shared';

/** How a characteristic is charted, as configured through REST or the seed file. */
export interface CharacteristicDefinition {
  name: string;
  unit: string;
  chart: 'individuals' | 'xbar-r';
  /** 1 on an individuals chart, 2–10 on an X̄-R chart. */
  subgroupSize: number;
  limits: { kind: 'fixed'; centre: number; ucl: number; lcl: number } | { kind: 'baseline'; samples: number };
  /** The Nelson rules that are on (1–8). */
  rules: number[];
  severities: Partial<Record<string, ViolationSeverity>>;
  /** True when the gateway made it for a sample of an unknown characteristic. */
  autoCreated: boolean;
}

export interface CharacteristicSeed {
  id: string;
  definition: CharacteristicDefinition;
}

/** A definition could not be accepted; the message names the field. */
export class CharacteristicError extends Error {
  readonly code = 'CHARACTERISTIC_INVALID' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CharacteristicError';
  }
}

const ALL_RULES = [1, 2, 3, 4, 5, 6, 7, 8];

const fixedLimits = Joi.object({
  centre: Joi.number().required(),
  ucl: Joi.number().required(),
  lcl: Joi.number().required(),
})
  .custom((value: { centre: number; ucl: number; lcl: number }, helpers) =>
    value.ucl > value.centre && value.centre > value.lcl ? value : helpers.error('limits.order'),
  )
  .messages({ 'limits.order': '{{#label}} must have ucl > centre > lcl' });

function inputSchema(defaultBaseline: number) {
  return Joi.object({
    name: Joi.string().trim().min(1).max(200).required(),
    unit: Joi.string().trim().max(32).allow('').default(''),
    chart: Joi.string().valid('individuals', 'xbar-r').required(),
    subgroupSize: Joi.when('chart', {
      is: 'xbar-r',
      then: Joi.number().integer().min(2).max(10).required(),
      otherwise: Joi.number().valid(1).default(1),
    }),
    limits: Joi.alternatives()
      .conditional(Joi.object({ baseline: Joi.exist() }).unknown(), {
        then: Joi.object({ baseline: Joi.number().integer().min(2).max(1000).required() }),
        otherwise: fixedLimits,
      })
      .default({ baseline: defaultBaseline }),
    rules: Joi.array().items(Joi.number().integer().min(1).max(8)).unique().default(ALL_RULES),
    severities: Joi.object()
      .pattern(/^[1-8]$/, Joi.string().valid('CRITICAL', 'WARNING'))
      .default({}),
  }).prefs({ abortEarly: true, convert: false, errors: { wrap: { label: false } } });
}

/** Validates a REST body or seed entry into a definition; throws CharacteristicError naming the field. */
export function parseCharacteristic(input: unknown, defaultBaseline: number): CharacteristicDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new CharacteristicError('a characteristic definition (a JSON object) is required');
  }
  const { value, error } = inputSchema(defaultBaseline).validate(input);
  if (error) throw new CharacteristicError(error.message);
  const body = value as {
    name: string;
    unit: string;
    chart: 'individuals' | 'xbar-r';
    subgroupSize: number;
    limits: { centre: number; ucl: number; lcl: number } | { baseline: number };
    rules: number[];
    severities: Partial<Record<string, ViolationSeverity>>;
  };
  return {
    name: body.name,
    unit: body.unit,
    chart: body.chart,
    subgroupSize: body.subgroupSize,
    limits:
      'baseline' in body.limits
        ? { kind: 'baseline', samples: body.limits.baseline }
        : { kind: 'fixed', ...body.limits },
    rules: [...body.rules].sort((a, b) => a - b),
    severities: body.severities,
    autoCreated: false,
  };
}

/**
 * A characteristic for samples that arrive before anyone configured one: charted by the
 * size of the sample (one value: individuals; 2–10: X̄-R), limits from a baseline, all rules on.
 */
export function autoCharacteristic(id: string, subgroupSize: number, baseline: number): CharacteristicDefinition {
  return {
    name: id,
    unit: '',
    chart: subgroupSize === 1 ? 'individuals' : 'xbar-r',
    subgroupSize,
    limits: { kind: 'baseline', samples: baseline },
    rules: ALL_RULES,
    severities: {},
    autoCreated: true,
  };
}

/** The seed file: `{ characteristics: [{ id, name, chart, … }] }`, JSON or YAML. */
export function loadCharacteristicsFile(path: string, defaultBaseline: number): CharacteristicSeed[] {
  const document = readDocumentFile(path, (problem, cause) => {
    throw new CharacteristicError(
      `characteristics file ${path}: ${problem}`,
      cause === undefined ? undefined : { cause },
    );
  });
  const list = (document as { characteristics?: unknown } | null)?.characteristics;
  if (!Array.isArray(list)) throw new CharacteristicError(`${path} must hold { characteristics: [...] }`);
  const seen = new Set<string>();
  return list.map((entry: unknown, index) => {
    const { id, ...rest } = (entry ?? {}) as { id?: unknown };
    if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
      throw new CharacteristicError(
        `${path}: characteristic ${index} needs an id of 1-128 characters of [A-Za-z0-9._-]`,
      );
    }
    if (seen.has(id)) throw new CharacteristicError(`${path}: characteristic id ${id} appears twice`);
    seen.add(id);
    try {
      return { id, definition: parseCharacteristic(rest, defaultBaseline) };
    } catch (error) {
      throw new CharacteristicError(`${path}: characteristic ${id}: ${(error as Error).message}`);
    }
  });
}
