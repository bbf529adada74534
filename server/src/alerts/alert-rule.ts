import { errorMessage, readDocumentFile } from '../config/document-file';
import Joi from 'joi';
import { ID_PATTERN, ID_RULE } from '@roomcast/shared';
import type { Comparison } from '@roomcast/shared';
import { METRIC_NAME_PATTERN } from '../ingest/normalisers/device-telemetry';
import { NORMALISER_NAMES } from '../ingest/normalisers';
import type { DeviceThreshold } from '../ingest/normalisers';

/**
 * A threshold rule: when `metric` of a matching device crosses `alarm_level_1`
 * (warning) or `alarm_level_2` (critical) in the direction of `comparison`, an
 * alert is raised. Field names are snake_case because operators write them in
 * JSON or YAML files, next to the vendors' own `alarm_level_1` fields.
 */
export interface AlertRule {
  /** 1–128 characters of [A-Za-z0-9._-]; unique within a rules file. */
  id: string;
  description?: string;
  /** A device id, or a pattern in which `*` stands for any run of characters (`ST-*`, `*`). */
  devices: string;
  /** A normaliser name; when set, the rule applies only to data that came in through that family. */
  family?: string;
  metric: string;
  comparison: Comparison;
  /** The warning threshold. */
  alarm_level_1: number;
  /** The critical threshold; strictly beyond level 1 in the comparison's direction. */
  alarm_level_2: number;
  /**
   * How far back inside level 1 the value must come before the alert clears.
   * @default 0
   */
  deadband: number;
  /**
   * How long a level must hold, by the samples' timestamps, before it raises or escalates.
   * @default 0
   */
  duration_ms: number;
  /** @default true */
  enabled: boolean;
}

/** The rules are unusable; `message` names the rule (index and id) or file, and the field. */
export class RulesError extends Error {
  readonly code = 'RULES_INVALID' as const;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RulesError';
  }
}

export const MAX_RULES = 1000;

/**
 * Ids of device-threshold rules start with this prefix. The colon is outside the
 * rule id alphabet, so a configured rule can never take a device rule's id.
 */
export const DEVICE_RULE_PREFIX = 'device:';

/**
 * Share of |alarm_level_1| used as the deadband of a device's own set points.
 * Detectors report noisy values that hover around a set point; without a band
 * the alert would chatter (raise, clear, raise) on every sample of that noise.
 */
export const DEVICE_DEADBAND_RATIO = 0.02;

const DEVICES_PATTERN = /^[A-Za-z0-9._*-]{1,128}$/;
const COMPARISONS = ['gt', 'gte', 'lt', 'lte'] as const satisfies readonly Comparison[];

/** Thresholds may be any finite value; `unsafe` only spares floats above 2^53 joi's integer warning. */
const finite = (): Joi.NumberSchema => Joi.number().unsafe();

const ruleSchema = Joi.object<AlertRule>({
  id: Joi.string()
    .pattern(ID_PATTERN)
    .required()
    .messages({ 'string.pattern.base': `id must be ${ID_RULE}` }),
  description: Joi.string().max(1024),
  devices: Joi.string().pattern(DEVICES_PATTERN).required().messages({
    'string.pattern.base': 'devices must be a device id or a pattern with * wildcards, such as ST-* or *',
  }),
  family: Joi.string().valid(...NORMALISER_NAMES),
  metric: Joi.string()
    .pattern(METRIC_NAME_PATTERN)
    .required()
    .messages({ 'string.pattern.base': 'metric must be 1-64 characters of [A-Za-z0-9_.-]' }),
  comparison: Joi.string()
    .valid(...COMPARISONS)
    .required(),
  alarm_level_1: finite().required(),
  alarm_level_2: finite().required(),
  deadband: finite().min(0).default(0),
  duration_ms: Joi.number().integer().min(0).default(0),
  enabled: Joi.boolean().default(true),
  // Unknown keys are refused: a misspelt `alarm_level1` or `dead_band` would otherwise be silently ignored.
}).messages({ 'object.base': 'each rule must be an object' });

const fileSchema = Joi.object<{ rules: AlertRule[] }>({
  rules: Joi.array().items(ruleSchema).max(MAX_RULES).required(),
}).required();

const JOI_OPTIONS: Joi.ValidationOptions = {
  abortEarly: true,
  // "35" for a threshold is a mistake worth seeing, not something to coerce.
  convert: false,
  // `key` labels a field by its own name; the rule's index and id are prefixed by `describeRule`.
  errors: { wrap: { label: false }, label: 'key' },
};

function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/** `rule 3 ("co-high")`, with the id as written when it is a string, so a reader finds it in the file. */
function describeRule(input: unknown, index: number): string {
  const rules = typeof input === 'object' && input !== null ? (input as { rules?: unknown }).rules : undefined;
  const rule: unknown = Array.isArray(rules) ? rules[index] : undefined;
  const id = typeof rule === 'object' && rule !== null ? (rule as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? `rule ${index} (${excerpt(id)})` : `rule ${index}`;
}

/** Level 2 is the critical set point, so it must lie strictly beyond level 1 in the direction the alarm fires. */
function levelOrderProblem(comparison: Comparison, level1: number, level2: number): string | null {
  const rising = comparison === 'gt' || comparison === 'gte';
  if (rising && !(level2 > level1)) {
    return `alarm_level_2 (${level2}) must be above alarm_level_1 (${level1}) for comparison ${comparison}`;
  }
  if (!rising && !(level2 < level1)) {
    return `alarm_level_2 (${level2}) must be below alarm_level_1 (${level1}) for comparison ${comparison}`;
  }
  return null;
}

/** A fresh object with the optional fields only when given, so rules compare equal with `toEqual`. */
function copyRule(rule: AlertRule): AlertRule {
  const copy: AlertRule = {
    id: rule.id,
    devices: rule.devices,
    metric: rule.metric,
    comparison: rule.comparison,
    alarm_level_1: rule.alarm_level_1,
    alarm_level_2: rule.alarm_level_2,
    deadband: rule.deadband,
    duration_ms: rule.duration_ms,
    enabled: rule.enabled,
  };
  if (rule.description !== undefined) copy.description = rule.description;
  if (rule.family !== undefined) copy.family = rule.family;
  return copy;
}

/**
 * Validates `{ rules: AlertRule[] }` and applies the defaults (deadband 0,
 * duration_ms 0, enabled true). An empty list is valid: it turns every rule off.
 *
 * @throws RulesError naming the rule's index and id and the field at fault.
 */
export function parseRules(input: unknown): AlertRule[] {
  const { value, error } = fileSchema.validate(input, JOI_OPTIONS);
  if (error) {
    const [first] = error.details;
    const index = first?.path[1];
    const where = first?.path[0] === 'rules' && typeof index === 'number' ? `${describeRule(input, index)}: ` : '';
    throw new RulesError(`${where}${error.message}`);
  }
  const seen = new Map<string, number>();
  value.rules.forEach((rule, index) => {
    const problem = levelOrderProblem(rule.comparison, rule.alarm_level_1, rule.alarm_level_2);
    if (problem !== null) throw new RulesError(`${describeRule(input, index)}: ${problem}`);
    const earlier = seen.get(rule.id);
    if (earlier !== undefined) {
      throw new RulesError(`${describeRule(input, index)}: id duplicates the id of rule ${earlier}`);
    }
    seen.set(rule.id, index);
  });
  return value.rules.map(copyRule);
}

/**
 * Reads a rules file (`.json`, `.yaml` or `.yml`) shaped `{ rules: [...] }`.
 *
 * @throws RulesError naming the file, and for a bad rule its index, id and field.
 */
export function loadRulesFile(path: string): AlertRule[] {
  const fail: (problem: string, cause?: unknown) => never = (problem, cause) => {
    throw new RulesError(`rules file ${path}: ${problem}`, cause === undefined ? undefined : { cause });
  };
  const content = readDocumentFile(path, fail);

  try {
    return parseRules(content);
  } catch (error) {
    fail(errorMessage(error), error);
  }
}

/**
 * A device's own set points (SubTronics detectors carry them in every message)
 * as rules: `device:<metric>`, rising → gte and falling → lte (a detector alarms
 * AT its set point), no duration (the detector has already decided), and a
 * deadband of 2 % of |alarm_level_1| against chattering around the set point.
 *
 * @throws RulesError when a threshold is not finite, its levels are out of
 * order, or two name the same metric: the normaliser guarantees none of these,
 * so any of them is a fault upstream rather than device data to tolerate.
 */
export function deviceThresholdRules(deviceId: string, thresholds: readonly DeviceThreshold[]): AlertRule[] {
  const seen = new Set<string>();
  return thresholds.map(({ metric, warning, critical, direction }) => {
    const where = `device ${excerpt(deviceId)} threshold for ${excerpt(metric)}`;
    if (seen.has(metric)) throw new RulesError(`${where}: the metric has more than one threshold`);
    seen.add(metric);
    if (!Number.isFinite(warning) || !Number.isFinite(critical)) {
      throw new RulesError(`${where}: warning and critical must be finite numbers`);
    }
    const comparison: Comparison = direction === 'falling' ? 'lte' : 'gte';
    const problem = levelOrderProblem(comparison, warning, critical);
    if (problem !== null) throw new RulesError(`${where}: ${problem}`);
    return {
      id: `${DEVICE_RULE_PREFIX}${metric}`,
      description: `the device's own ${direction} set points for ${metric}`,
      devices: deviceId,
      metric,
      comparison,
      alarm_level_1: warning,
      alarm_level_2: critical,
      deadband: Math.abs(warning) * DEVICE_DEADBAND_RATIO,
      duration_ms: 0,
      enabled: true,
    };
  });
}
