import type { SpcZone, ViolationSeverity } from '@roomcast/shared';
import { factorsFor, MAX_SUBGROUP_SIZE, MIN_SUBGROUP_SIZE } from './constants';
import { fixedLimits, individualsLimits, rangeOf, SpcError, xbarRLimits } from './limits';
import type { ChartType, ControlLimits } from './limits';
import { ALL_RULE_IDS, evaluateRules, isRuleId, MAX_RULE_WINDOW, nelsonRule } from './nelson-rules';
import type { RuleId } from './nelson-rules';
import { zoneOf } from './zones';

/**
 * The SPC state machine of one characteristic, as pure functions over immutable state.
 *
 * Phases:
 * - `baseline` (computed limits only): the first N samples are collected as phase-I data.
 *   No zone is given and no rule runs, because there are no limits yet to judge them by;
 *   `classification` is null. The Nth sample completes the baseline: limits are computed from
 *   all N samples and returned with that sample, which is itself still reported as baseline
 *   (judging a point against limits it helped to set is phase-I analysis, not monitoring).
 * - `monitoring`: from sample N + 1 (or the first sample, for fixed limits) every sample gets a
 *   zone and is run through the enabled rules. Rule windows hold monitored points only; the
 *   baseline points never count towards a run.
 */

export const DEFAULT_BASELINE_SAMPLES = 25;

export type LimitsConfig =
  | { kind: 'fixed'; centre: number; ucl: number; lcl: number }
  /** `samples`: how many samples form the phase-I baseline. @default 25 */
  | { kind: 'baseline'; samples?: number };

export interface CharacteristicConfig {
  chart: ChartType;
  /** Values per sample: required (2…10) for `xbar-r`; 1 or absent for `individuals`. */
  subgroupSize?: number;
  limits: LimitsConfig;
  /** The Nelson rules to run. @default all eight */
  rules?: number[];
  /** Per-rule severity. @default CRITICAL for rule 1, WARNING for the others */
  severities?: Partial<Record<number, ViolationSeverity>>;
}

/** The configuration after validation and defaults; kept in the state so a sample needs nothing else. */
export interface ResolvedConfig {
  readonly chart: ChartType;
  readonly subgroupSize: number;
  readonly limits: Readonly<LimitsConfig>;
  readonly baselineSamples: number;
  readonly rules: ReadonlySet<number>;
  readonly severities: Readonly<Record<RuleId, ViolationSeverity>>;
}

export type SpcPhase = 'baseline' | 'monitoring';

/**
 * Immutable: `addSample` returns a new state and never changes the one it was given, so a
 * caller that fails to store a sample can keep the previous state.
 */
export interface CharacteristicState {
  readonly config: ResolvedConfig;
  readonly phase: SpcPhase;
  /** Null until the baseline completes. */
  readonly limits: ControlLimits | null;
  /** The baseline samples collected so far; emptied when monitoring starts. */
  readonly baseline: readonly (readonly number[])[];
  /** The last MAX_RULE_WINDOW monitored plotted values, oldest first. */
  readonly recent: readonly number[];
  /** The previous plotted value (baseline or monitored), for the moving range. */
  readonly lastPlotted: number | null;
}

export interface SpcViolation {
  ruleId: RuleId;
  ruleName: string;
  severity: ViolationSeverity;
}

export interface SampleResult {
  state: CharacteristicState;
  /** The individual value, or the subgroup mean. */
  plotted: number;
  /** The subgroup range (X̄-R) or the moving range to the previous sample (individuals; null for the first). */
  range: number | null;
  /** The phase this sample belongs to: the sample that completes the baseline is still `baseline`. */
  phase: SpcPhase;
  /** Null during the baseline. */
  classification: { zone: SpcZone; inControl: boolean } | null;
  violations: SpcViolation[];
  /** The limits in force after this sample: null during the baseline, set from the completing sample on. */
  limits: ControlLimits | null;
}

function resolveConfig(config: CharacteristicConfig): ResolvedConfig {
  if (config === null || typeof config !== 'object') throw new SpcError('an SPC characteristic needs a configuration');
  const { chart } = config;
  let subgroupSize: number;
  if (chart === 'individuals') {
    subgroupSize = config.subgroupSize ?? 1;
    if (subgroupSize !== 1) {
      throw new SpcError(`an individuals chart takes one value per sample (subgroupSize 1), got ${subgroupSize}`);
    }
  } else if (chart === 'xbar-r') {
    subgroupSize = config.subgroupSize ?? 0;
    if (factorsFor(subgroupSize) === undefined) {
      throw new SpcError(
        `an X̄-R chart needs subgroupSize ${MIN_SUBGROUP_SIZE} to ${MAX_SUBGROUP_SIZE}, got ${String(config.subgroupSize)}`,
      );
    }
  } else {
    throw new SpcError(`unknown chart type ${String(chart)}; expected 'individuals' or 'xbar-r'`);
  }

  const limits = config.limits;
  let baselineSamples = 0;
  if (limits?.kind === 'fixed') {
    // Validates the numbers and their order; the result is rebuilt in createCharacteristicState.
    fixedLimits({ centre: limits.centre, ucl: limits.ucl, lcl: limits.lcl, chart, n: subgroupSize });
  } else if (limits?.kind === 'baseline') {
    baselineSamples = limits.samples ?? DEFAULT_BASELINE_SAMPLES;
    // Two samples are the least that give one moving range; fewer than about 20 give imprecise limits.
    if (!Number.isInteger(baselineSamples) || baselineSamples < 2) {
      throw new SpcError(`a baseline needs an integer of at least 2 samples (25 recommended), got ${baselineSamples}`);
    }
  } else {
    throw new SpcError("limits must be { kind: 'fixed', centre, ucl, lcl } or { kind: 'baseline', samples }");
  }

  const ruleIds = config.rules ?? ALL_RULE_IDS;
  if (!Array.isArray(ruleIds)) throw new SpcError('rules must be a list of Nelson rule numbers (1 to 8)');
  for (const id of ruleIds) {
    if (!isRuleId(id)) throw new SpcError(`unknown Nelson rule ${String(id)}; rules are numbered 1 to 8`);
  }
  const severities = {} as Record<RuleId, ViolationSeverity>;
  for (const id of ALL_RULE_IDS) severities[id] = nelsonRule(id).defaultSeverity;
  for (const [key, severity] of Object.entries(config.severities ?? {})) {
    const id = Number(key);
    if (!isRuleId(id)) throw new SpcError(`severity given for unknown Nelson rule ${key}; rules are numbered 1 to 8`);
    if (severity === undefined) continue;
    if (severity !== 'CRITICAL' && severity !== 'WARNING') {
      throw new SpcError(`severity of rule ${id} must be 'CRITICAL' or 'WARNING', got ${String(severity)}`);
    }
    severities[id] = severity;
  }

  return Object.freeze({
    chart,
    subgroupSize,
    limits: Object.freeze({ ...limits }),
    baselineSamples,
    rules: new Set<number>(ruleIds),
    severities: Object.freeze(severities),
  });
}

function freezeState(state: CharacteristicState): CharacteristicState {
  return Object.freeze(state);
}

/** A characteristic before its first sample: monitoring at once with fixed limits, else collecting its baseline. */
export function createCharacteristicState(config: CharacteristicConfig): CharacteristicState {
  const resolved = resolveConfig(config);
  const limits =
    resolved.limits.kind === 'fixed'
      ? fixedLimits({ ...resolved.limits, chart: resolved.chart, n: resolved.subgroupSize })
      : null;
  return freezeState({
    config: resolved,
    phase: limits === null ? 'baseline' : 'monitoring',
    limits,
    baseline: [],
    recent: [],
    lastPlotted: null,
  });
}

/**
 * Continue monitoring after a restart: `recentPlotted` are the stored plotted values of the last
 * monitored samples (oldest first; only the last MAX_RULE_WINDOW are kept) and `limits` the
 * limits they were judged by, so a run in progress carries on across the restart. A
 * characteristic still in its baseline is restored by replaying its samples through `addSample`.
 */
export function restoreState(
  config: CharacteristicConfig,
  recentPlotted: readonly number[],
  limits: ControlLimits,
): CharacteristicState {
  const resolved = resolveConfig(config);
  if (limits === null || typeof limits !== 'object') throw new SpcError('restoring a characteristic needs its limits');
  if (limits.chart !== resolved.chart || limits.n !== resolved.subgroupSize) {
    throw new SpcError(
      `the stored limits are for a ${limits.chart} chart with n = ${limits.n}, ` +
        `but the characteristic is a ${resolved.chart} chart with n = ${resolved.subgroupSize}`,
    );
  }
  const { centre, ucl, lcl, sigmaUpper, sigmaLower } = limits;
  if (
    ![centre, ucl, lcl, sigmaUpper, sigmaLower].every(Number.isFinite) ||
    !(ucl > centre && centre > lcl && sigmaUpper > 0 && sigmaLower > 0)
  ) {
    throw new SpcError('the stored limits must be finite with ucl > centre > lcl and positive sigmas');
  }
  const recent = recentPlotted.slice(-MAX_RULE_WINDOW);
  if (!recent.every((value) => typeof value === 'number' && Number.isFinite(value))) {
    throw new SpcError('every stored plotted value must be a finite number');
  }
  return freezeState({
    config: resolved,
    phase: 'monitoring',
    limits,
    baseline: [],
    recent: Object.freeze(recent),
    lastPlotted: recent.length > 0 ? (recent[recent.length - 1] as number) : null,
  });
}

function checkSample(config: ResolvedConfig, values: readonly number[]): void {
  if (!Array.isArray(values)) throw new SpcError('a sample must be an array of values');
  if (values.length !== config.subgroupSize) {
    throw new SpcError(
      config.chart === 'individuals'
        ? `an individuals chart takes exactly 1 value per sample, got ${values.length}`
        : `this X̄-R chart takes subgroups of ${config.subgroupSize} values, got ${values.length}`,
    );
  }
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SpcError(`sample value ${index + 1} is ${String(value)}; every value must be a finite number`);
    }
  });
}

/**
 * Add one sample (one value, or one subgroup) and say what it means. Throws SpcError, leaving
 * the given state valid and unchanged, when the sample has the wrong size or a non-finite value,
 * or when the baseline it completes has no variation (σ would be 0).
 */
export function addSample(state: CharacteristicState, values: readonly number[]): SampleResult {
  const { config } = state;
  checkSample(config, values);
  const plotted = values.length === 1 ? (values[0] as number) : values.reduce((sum, v) => sum + v, 0) / values.length;
  let range: number | null;
  if (config.chart === 'xbar-r') range = rangeOf(values);
  else range = state.lastPlotted === null ? null : Math.abs(plotted - state.lastPlotted);

  if (state.phase === 'baseline') {
    const baseline = [...state.baseline, Object.freeze([...values])];
    if (baseline.length < config.baselineSamples) {
      const next = freezeState({ ...state, baseline: Object.freeze(baseline), lastPlotted: plotted });
      return { state: next, plotted, range, phase: 'baseline', classification: null, violations: [], limits: null };
    }
    const limits =
      config.chart === 'individuals'
        ? individualsLimits(baseline.map((sample) => sample[0] as number))
        : xbarRLimits(baseline);
    const next = freezeState({
      ...state,
      phase: 'monitoring',
      limits,
      baseline: [],
      recent: [],
      lastPlotted: plotted,
    });
    return { state: next, plotted, range, phase: 'baseline', classification: null, violations: [], limits };
  }

  const limits = state.limits as ControlLimits;
  const recent = Object.freeze([...state.recent, plotted].slice(-MAX_RULE_WINDOW));
  const fired = evaluateRules(recent, limits, config.rules);
  const violations = fired.map((ruleId) => ({
    ruleId,
    ruleName: nelsonRule(ruleId).name,
    severity: config.severities[ruleId],
  }));
  const next = freezeState({ ...state, recent, lastPlotted: plotted });
  return {
    state: next,
    plotted,
    range,
    phase: 'monitoring',
    classification: { zone: zoneOf(plotted, limits), inControl: violations.length === 0 },
    violations,
    limits,
  };
}
