/**
 * Ratios of two systems measured in the same round, seconds apart, and their spread over the
 * rounds: what the machine does in between (another tenant, a slower minute) moves both sides
 * of a round alike, so the ratios vary less than either figure across rounds.
 */

export interface RatioSpread {
  median: number;
  min: number;
  max: number;
  /** Rounds in which both systems had a figure. */
  rounds: number;
}

/** The middle value (the mean of the two middle ones for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/**
 * `system` ÷ `reference` in every round that measured both (with a reference above zero);
 * null when no round did.
 */
export function pairedRatios(
  rounds: readonly Readonly<Partial<Record<string, number>>>[],
  system: string,
  reference: string,
): RatioSpread | null {
  const ratios: number[] = [];
  for (const round of rounds) {
    const value = round[system];
    const base = round[reference];
    if (value === undefined || base === undefined || !(base > 0)) continue;
    ratios.push(value / base);
  }
  if (ratios.length === 0) return null;
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), rounds: ratios.length };
}
