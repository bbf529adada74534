import { AQI_CATEGORIES, POLLUTANTS } from '@roomcast/shared';
import type { AqiCategory, Pollutant, PollutantIndex } from '@roomcast/shared';
import { BREAKPOINTS, CATEGORY_COLORS, CATEGORY_RANGES } from './breakpoints';
import type { Band, PollutantTable } from './breakpoints';

/**
 * One pollutant's sub-index, or why it has none. `truncated` is the
 * concentration the lookup used, in EPA's unit. `note` is set when the TAD's
 * table does not cover the value (held or extrapolated); callers log it.
 */
export type SubIndex = { aqi: number; truncated: number; note?: string } | { excluded: string };

export interface AqiResult {
  /** The largest sub-index. */
  value: number;
  category: AqiCategory;
  /** The category's colour as CSS hex. */
  color: string;
  /** The pollutant with the largest sub-index; on a tie, the first in POLLUTANTS order. */
  dominantPollutant: Pollutant;
  /** Every pollutant that yielded a sub-index, with its concentration as reported (not truncated). */
  pollutants: Partial<Record<Pollutant, PollutantIndex>>;
  /** Special cases met on the way (held, extrapolated or excluded values), for the caller to log. */
  notes: string[];
}

/** A finite non-negative number's shortest round-trip form, as `String()` writes it. */
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/**
 * floor(value · 10^decimals), computed on the decimal digits rather than in
 * binary floating point: 0.071 / 0.001 is 70.99… and 1.005 · 1000 is
 * 1004.99…, and either would drop a value into the band below. `String()`
 * gives the shortest decimal that reads back as the same double, so this is
 * exact truncation of the number as the device wrote it.
 */
function truncateToUnits(value: number, decimals: number): number {
  const match = DECIMAL.exec(String(value));
  // Only reachable for NaN, ±Infinity or negatives, which subIndex turns away first.
  if (match === null) throw new RangeError(`cannot truncate ${value}`);
  const [, whole = '', fraction = '', exponent = '0'] = match;
  const digits = whole + fraction;
  // value = digits · 10^(exponent − fraction.length); scale it by 10^decimals.
  const shift = Number(exponent) - fraction.length + decimals;
  const kept = shift >= 0 ? digits + '0'.repeat(shift) : digits.slice(0, Math.max(0, digits.length + shift));
  return kept === '' ? 0 : Number(kept);
}

/**
 * I = (iHi − iLo)/(cHi − cLo) · (C − cLo) + iLo, rounded half up, in integer
 * arithmetic so that exact halves (O3 0.078 ppm gives 125.5, CO 1.1 ppm 12.5)
 * round up by construction rather than by floating-point luck. Valid above
 * cHi too (extrapolation).
 */
function interpolate({ cLo, cHi, iLo, iHi }: Band, units: number): number {
  const numerator = 2 * (iHi - iLo) * (units - cLo) + (cHi - cLo);
  const denominator = 2 * (cHi - cLo);
  return iLo + (numerator - (numerator % denominator)) / denominator;
}

function inUnit(units: number, table: PollutantTable): string {
  return `${(units / 10 ** table.decimals).toFixed(table.decimals)} ${table.unit}`;
}

/**
 * The sub-index of one concentration in EPA's unit for the pollutant (pm25,
 * pm10 µg/m³; o3, co ppm; so2, no2 ppb). Pure; never throws for data.
 */
export function subIndex(pollutant: Pollutant, concentration: number): SubIndex {
  if (!Number.isFinite(concentration) || concentration < 0) {
    return { excluded: `${pollutant} ${concentration} is not a concentration; left out of the AQI` };
  }
  const table = BREAKPOINTS[pollutant];
  const units = truncateToUnits(concentration, table.decimals);
  const truncated = units / 10 ** table.decimals;
  const band = table.bands.find((b) => b.cLo <= units && units <= b.cHi);
  if (band !== undefined) return { aqi: interpolate(band, units), truncated };

  const last = table.bands.at(-1);
  // The bands start at 0 and tile the integers up to the top (tests hold this),
  // so a truncated value that matches none can only be above the table.
  if (last === undefined || units <= last.cHi) {
    throw new Error(`the ${pollutant} breakpoint table has no band for ${units}`);
  }
  const above = `${pollutant} ${inUnit(units, table)} is above ${inUnit(last.cHi, table)}, the top of the ${table.averaging} table`;
  if (table.aboveTable.kind === 'hold') {
    return {
      aqi: last.iHi,
      truncated,
      note: `${above}; ${table.aboveTable.why}, so the sub-index is held at ${last.iHi} and the true AQI may be higher`,
    };
  }
  const aqi = interpolate(last, units);
  const beyond = aqi > last.iHi ? `, "Beyond the AQI", reported as Hazardous` : '';
  return {
    aqi,
    truncated,
    note: `${above}; sub-index ${aqi} continues the ${last.iLo}–${last.iHi} band${beyond}`,
  };
}

/**
 * The AQI category of an index. An index above 500 ("Beyond the AQI") is
 * Hazardous: the TAD's advice there is the Hazardous advice, and the shared
 * payload has no seventh category.
 */
export function categoryOf(aqi: number): AqiCategory {
  if (!Number.isFinite(aqi) || aqi < 0) throw new RangeError(`an AQI is a finite number ≥ 0, got ${aqi}`);
  for (const category of AQI_CATEGORIES) {
    if (aqi <= CATEGORY_RANGES[category][1]) return category;
  }
  return 'Hazardous';
}

/**
 * The AQI of a reading: the largest sub-index, its pollutant and category.
 * Null when no pollutant yields a sub-index (none given, or all excluded).
 */
export function computeAqi(concentrations: Partial<Record<Pollutant, number>>): AqiResult | null {
  const pollutants: Partial<Record<Pollutant, PollutantIndex>> = {};
  const notes: string[] = [];
  let dominant: { pollutant: Pollutant; aqi: number } | undefined;
  // POLLUTANTS order, not the object's key order, so a tie always goes the same way.
  for (const pollutant of POLLUTANTS) {
    const concentration = concentrations[pollutant];
    if (concentration === undefined) continue;
    const index = subIndex(pollutant, concentration);
    if ('excluded' in index) {
      notes.push(index.excluded);
      continue;
    }
    if (index.note !== undefined) notes.push(index.note);
    pollutants[pollutant] = { concentration, aqi: index.aqi };
    if (dominant === undefined || index.aqi > dominant.aqi) dominant = { pollutant, aqi: index.aqi };
  }
  if (dominant === undefined) return null;
  const category = categoryOf(dominant.aqi);
  return {
    value: dominant.aqi,
    category,
    color: CATEGORY_COLORS[category],
    dominantPollutant: dominant.pollutant,
    pollutants,
    notes,
  };
}
