/**
 * Factors for Shewhart variables control charts, by subgroup size n.
 *
 * Source: the standard three-decimal table of control-chart factors, as printed in
 * Montgomery, "Introduction to Statistical Quality Control", Appendix VI ("Factors for
 * Constructing Variables Control Charts") and ASTM E2587 ("Standard Practice for Use of
 * Control Charts in Statistical Process Control"). The values were checked against a
 * published reprint of that table ("Factors for Constructing Control Charts", Table A.22,
 * n = 2…25). Do not recompute them: published worked examples use these rounded values,
 * and the tests reproduce those examples to the published precision.
 *
 * - A2: X̄-chart limits are X̿ ± A2·R̄ (A2 = 3 / (d2·√n)).
 * - d2: the expected range of n normal observations in units of σ, so σ̂ = R̄ / d2.
 * - D3, D4: R-chart limits are D3·R̄ and D4·R̄.
 */
export interface ShewhartFactors {
  readonly n: number;
  readonly A2: number;
  readonly d2: number;
  readonly D3: number;
  readonly D4: number;
}

/** The smallest and largest subgroup an X̄-R chart accepts; beyond 10 the range wastes information. */
export const MIN_SUBGROUP_SIZE = 2;
export const MAX_SUBGROUP_SIZE = 10;

const TABLE: readonly ShewhartFactors[] = [
  { n: 2, A2: 1.88, d2: 1.128, D3: 0, D4: 3.267 },
  { n: 3, A2: 1.023, d2: 1.693, D3: 0, D4: 2.574 },
  { n: 4, A2: 0.729, d2: 2.059, D3: 0, D4: 2.282 },
  { n: 5, A2: 0.577, d2: 2.326, D3: 0, D4: 2.114 },
  { n: 6, A2: 0.483, d2: 2.534, D3: 0, D4: 2.004 },
  { n: 7, A2: 0.419, d2: 2.704, D3: 0.076, D4: 1.924 },
  { n: 8, A2: 0.373, d2: 2.847, D3: 0.136, D4: 1.864 },
  { n: 9, A2: 0.337, d2: 2.97, D3: 0.184, D4: 1.816 },
  { n: 10, A2: 0.308, d2: 3.078, D3: 0.223, D4: 1.777 },
];

/** The factors for subgroup sizes 2 to 10, keyed by n. */
export const SHEWHART_FACTORS: ReadonlyMap<number, ShewhartFactors> = new Map(
  TABLE.map((row) => [row.n, Object.freeze(row)]),
);

/**
 * The moving range of two consecutive individuals is a range of a "subgroup" of 2, so the
 * individuals chart uses the n = 2 row: σ̂ = MR̄ / 1.128 and UCL(MR) = 3.267·MR̄.
 */
export const MOVING_RANGE_FACTORS: ShewhartFactors = TABLE[0] as ShewhartFactors;

/** The factors for subgroup size n, or undefined outside 2…10. */
export function factorsFor(n: number): ShewhartFactors | undefined {
  return SHEWHART_FACTORS.get(n);
}
