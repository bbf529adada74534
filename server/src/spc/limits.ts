import { factorsFor, MAX_SUBGROUP_SIZE, MIN_SUBGROUP_SIZE, MOVING_RANGE_FACTORS } from './constants';

/** An SPC input or configuration that cannot be charted; nothing was changed. */
export class SpcError extends Error {
  readonly code = 'SPC_INVALID' as const;

  constructor(message: string) {
    super(message);
    this.name = 'SpcError';
  }
}

export type ChartType = 'individuals' | 'xbar-r';

/** The limits of the chart that carries the spread: the moving-range chart (individuals) or the R chart. */
export interface RangeLimits {
  /** MR̄ on an individuals chart, R̄ on an X̄-R chart. */
  centre: number;
  ucl: number;
  lcl: number;
}

/**
 * Limits of the chart the rules run on: individual values, or subgroup means on an X̄-R chart.
 *
 * `sigmaUpper` and `sigmaLower` are one standard deviation of the plotted statistic above and
 * below the centre line (for X̄-R, σ of the subgroup mean). They are equal for computed limits
 * and may differ for asymmetric fixed limits; zones use the one on the point's side.
 */
export interface ControlLimits {
  chart: ChartType;
  /** Observations per plotted point: 1 for individuals, the subgroup size for X̄-R. */
  n: number;
  centre: number;
  ucl: number;
  lcl: number;
  sigmaUpper: number;
  sigmaLower: number;
  /** Absent for fixed limits, which say nothing about the spread chart. */
  range?: RangeLimits;
}

/** The phase-I size the error messages recommend; Montgomery suggests 20–25 subgroups. */
const RECOMMENDED_BASELINE = 25;

function requireFinite(values: readonly number[], what: string): void {
  values.forEach((value, index) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SpcError(`${what} ${index + 1} is ${String(value)}; every value must be a finite number`);
    }
  });
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}

/** Largest minus smallest; callers guarantee at least one value. */
export function rangeOf(values: readonly number[]): number {
  return Math.max(...values) - Math.min(...values);
}

/**
 * Individuals (X-mR) limits from phase-I values: centre X̄, σ̂ = MR̄ / d2 (d2 = 1.128 for moving
 * ranges of two), limits X̄ ± 3σ̂; moving-range chart MR̄, D4·MR̄ (3.267), D3·MR̄ (0).
 */
export function individualsLimits(values: readonly number[]): ControlLimits {
  if (!Array.isArray(values) || values.length < 2) {
    throw new SpcError(
      `an individuals chart needs at least 2 values to form one moving range (got ${Array.isArray(values) ? values.length : 0}); ` +
        `a baseline of about ${RECOMMENDED_BASELINE} is recommended`,
    );
  }
  requireFinite(values, 'value');
  let sumOfRanges = 0;
  for (let i = 1; i < values.length; i++) sumOfRanges += Math.abs((values[i] as number) - (values[i - 1] as number));
  const mrBar = sumOfRanges / (values.length - 1);
  if (!(mrBar > 0)) {
    // σ̂ would be 0: every later point would be "beyond 3σ". Usually the gauge resolution is too coarse.
    throw new SpcError(
      `the ${values.length} values have no variation (average moving range 0), so σ cannot be estimated; ` +
        'check the measurement resolution or configure fixed limits',
    );
  }
  const { d2, D3, D4 } = MOVING_RANGE_FACTORS;
  const centre = mean(values);
  const sigma = mrBar / d2;
  return {
    chart: 'individuals',
    n: 1,
    centre,
    ucl: centre + 3 * sigma,
    lcl: centre - 3 * sigma,
    sigmaUpper: sigma,
    sigmaLower: sigma,
    range: { centre: mrBar, ucl: D4 * mrBar, lcl: D3 * mrBar },
  };
}

/**
 * X̄-R limits from phase-I subgroups of equal size n (2…10): centre X̿, limits X̿ ± A2·R̄,
 * σ of the subgroup mean A2·R̄ / 3 (= R̄ / (d2·√n) up to the table's rounding, chosen so that
 * the 3σ zone boundary is exactly the published limit); R chart R̄, D4·R̄, D3·R̄.
 */
export function xbarRLimits(subgroups: readonly (readonly number[])[]): ControlLimits {
  if (!Array.isArray(subgroups) || subgroups.length < 1) {
    throw new SpcError(
      `an X̄-R chart needs at least 1 subgroup (got 0); a baseline of about ${RECOMMENDED_BASELINE} subgroups is recommended`,
    );
  }
  const first = subgroups[0];
  const n = Array.isArray(first) ? first.length : 0;
  const factors = factorsFor(n);
  if (factors === undefined) {
    throw new SpcError(
      `an X̄-R subgroup must have ${MIN_SUBGROUP_SIZE} to ${MAX_SUBGROUP_SIZE} values (subgroup 1 has ${n})`,
    );
  }
  let sumOfMeans = 0;
  let sumOfRanges = 0;
  subgroups.forEach((subgroup, index) => {
    if (!Array.isArray(subgroup) || subgroup.length !== n) {
      throw new SpcError(
        `every subgroup must have the same size: subgroup 1 has ${n} values, subgroup ${index + 1} has ${Array.isArray(subgroup) ? subgroup.length : 0}`,
      );
    }
    requireFinite(subgroup, `subgroup ${index + 1}, value`);
    sumOfMeans += mean(subgroup);
    sumOfRanges += rangeOf(subgroup);
  });
  const rBar = sumOfRanges / subgroups.length;
  if (!(rBar > 0)) {
    throw new SpcError(
      `the ${subgroups.length} subgroups have no variation (R̄ = 0), so σ cannot be estimated; ` +
        'check the measurement resolution or configure fixed limits',
    );
  }
  const { A2, D3, D4 } = factors;
  const centre = sumOfMeans / subgroups.length;
  const halfWidth = A2 * rBar;
  const sigma = halfWidth / 3;
  return {
    chart: 'xbar-r',
    n,
    centre,
    ucl: centre + halfWidth,
    lcl: centre - halfWidth,
    sigmaUpper: sigma,
    sigmaLower: sigma,
    range: { centre: rBar, ucl: D4 * rBar, lcl: D3 * rBar },
  };
}

export interface FixedLimitsInput {
  centre: number;
  ucl: number;
  lcl: number;
  /** @default 'individuals' */
  chart?: ChartType;
  /** Observations per plotted point. @default 1 for individuals; required (2…10) for X̄-R */
  n?: number;
}

/**
 * Limits given by an engineer (for example carried over from an earlier study). They are the
 * limits of the plotted statistic, so for X̄-R they are the X̄-chart limits. Each side's σ is a
 * third of that side's distance to the centre, so asymmetric limits keep their zones inside them.
 */
export function fixedLimits(input: FixedLimitsInput): ControlLimits {
  const { centre, ucl, lcl } = input;
  const chart = input.chart ?? 'individuals';
  for (const [name, value] of [
    ['centre', centre],
    ['ucl', ucl],
    ['lcl', lcl],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new SpcError(`fixed limits: ${name} is ${String(value)}; it must be a finite number`);
    }
  }
  if (!(ucl > centre && centre > lcl)) {
    throw new SpcError(`fixed limits must satisfy ucl > centre > lcl (got ucl ${ucl}, centre ${centre}, lcl ${lcl})`);
  }
  let n: number;
  if (chart === 'individuals') {
    n = input.n ?? 1;
    if (n !== 1) throw new SpcError(`an individuals chart plots single values (n = 1), got n = ${n}`);
  } else if (chart === 'xbar-r') {
    n = input.n ?? 0;
    if (factorsFor(n) === undefined) {
      throw new SpcError(
        `an X̄-R chart needs a subgroup size of ${MIN_SUBGROUP_SIZE} to ${MAX_SUBGROUP_SIZE}, got ${n}`,
      );
    }
  } else {
    throw new SpcError(`unknown chart type ${String(chart)}; expected 'individuals' or 'xbar-r'`);
  }
  return {
    chart,
    n,
    centre,
    ucl,
    lcl,
    sigmaUpper: (ucl - centre) / 3,
    sigmaLower: (centre - lcl) / 3,
  };
}
