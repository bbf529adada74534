import type { AqiCategory, Pollutant } from '@roomcast/shared';

/**
 * The US EPA AQI breakpoints, from Table 6 of the Technical Assistance Document
 * for the Reporting of Daily Air Quality – the Air Quality Index (AQI), May 2024
 * (EPA-454/B-24-002), with the PM2.5 breakpoints in force from 6 May 2024.
 *
 * Concentrations are held as integers in each pollutant's truncation unit
 * (10^-decimals of EPA's unit: PM2.5 in 0.1 µg/m³, O3 in ppb, …). The TAD
 * truncates a concentration to that unit before the lookup, so after truncation
 * every value is an integer on this grid and every integer from 0 up to the top
 * of the table falls in exactly one band: the gaps the printed table seems to
 * have (9.0 | 9.1) do not exist here. Keeping integers also keeps the
 * interpolation exact; see `aqi.ts`.
 */

/** The index range of each band, shared by every pollutant; row i of a pollutant's table maps onto AQI_BANDS[i]. */
export const AQI_BANDS: readonly (readonly [lo: number, hi: number])[] = [
  [0, 50],
  [51, 100],
  [101, 150],
  [151, 200],
  [201, 300],
  [301, 500],
];

export interface Band {
  /** Lowest concentration of the band, in truncation units. */
  readonly cLo: number;
  /** Highest concentration of the band, in truncation units. */
  readonly cHi: number;
  readonly iLo: number;
  readonly iHi: number;
}

/**
 * What the engine does with a truncated concentration above the last band:
 * - `extrapolate`: continue the last band's line (40 CFR 58 App. G §12: "you may
 *   use the last two breakpoints"); the sub-index may exceed 500, "Beyond the AQI".
 * - `hold`: report the last band's top index. Used where the TAD says the
 *   averaging period roomcast receives does not define higher AQI values, so
 *   the line must not be extended (8-hour O3 above 0.200 ppm, 1-hour SO2 above
 *   304 ppb). The held value is the most that period's table can say; `why`
 *   goes into the note the engine returns.
 */
export type AboveTable = { readonly kind: 'extrapolate' } | { readonly kind: 'hold'; readonly why: string };

const EXTRAPOLATE: AboveTable = Object.freeze({ kind: 'extrapolate' });

export interface PollutantTable {
  /** Decimal places kept by truncation; one truncation unit is 10^-decimals of `unit`. */
  readonly decimals: number;
  readonly unit: 'µg/m³' | 'ppm' | 'ppb';
  /** The averaging period the breakpoints are defined for, and the one devices must send. */
  readonly averaging: '1-hour' | '8-hour' | '24-hour';
  readonly bands: readonly Band[];
  readonly aboveTable: AboveTable;
}

function hold(why: string): AboveTable {
  return Object.freeze({ kind: 'hold', why });
}

/** Rows in truncation units, index-aligned with AQI_BANDS. */
function table(
  decimals: number,
  unit: PollutantTable['unit'],
  averaging: PollutantTable['averaging'],
  aboveTable: AboveTable,
  rows: readonly (readonly [cLo: number, cHi: number])[],
): PollutantTable {
  const bands = rows.map(([cLo, cHi], i): Band => {
    const aqi = AQI_BANDS[i];
    if (aqi === undefined) throw new RangeError(`breakpoint row ${i} has no AQI band`);
    return Object.freeze({ cLo, cHi, iLo: aqi[0], iHi: aqi[1] });
  });
  return Object.freeze({ decimals, unit, averaging, aboveTable, bands: Object.freeze(bands) });
}

export const BREAKPOINTS: Readonly<Record<Pollutant, PollutantTable>> = Object.freeze({
  // 0.0–9.0 | 9.1–35.4 | 35.5–55.4 | 55.5–125.4 | 125.5–225.4 | 225.5–325.4 µg/m³
  pm25: table(1, 'µg/m³', '24-hour', EXTRAPOLATE, [
    [0, 90],
    [91, 354],
    [355, 554],
    [555, 1254],
    [1255, 2254],
    [2255, 3254],
  ]),
  // 0–54 | 55–154 | 155–254 | 255–354 | 355–424 | 425–604 µg/m³
  pm10: table(0, 'µg/m³', '24-hour', EXTRAPOLATE, [
    [0, 54],
    [55, 154],
    [155, 254],
    [255, 354],
    [355, 424],
    [425, 604],
  ]),
  // 0.000–0.054 | 0.055–0.070 | 0.071–0.085 | 0.086–0.105 | 0.106–0.200 ppm.
  // No 301–500 row: "8-hour O3 values do not define higher AQI values (≥ 301).
  // AQI values of 301 or higher are calculated with 1-hour O3 concentrations"
  // (1-hour 0.125–0.604 ppm), which devices do not send.
  o3: table(
    3,
    'ppm',
    '8-hour',
    hold('the TAD computes AQI 301 and higher from 1-hour ozone, which roomcast does not receive'),
    [
      [0, 54],
      [55, 70],
      [71, 85],
      [86, 105],
      [106, 200],
    ],
  ),
  // 0.0–4.4 | 4.5–9.4 | 9.5–12.4 | 12.5–15.4 | 15.5–30.4 | 30.5–50.4 ppm
  co: table(1, 'ppm', '8-hour', EXTRAPOLATE, [
    [0, 44],
    [45, 94],
    [95, 124],
    [125, 154],
    [155, 304],
    [305, 504],
  ]),
  // 0–35 | 36–75 | 76–185 | 186–304 ppb. The table's 305–604 and 605–1004 ppb
  // rows are 24-hour SO2: "1-hour SO2 values do not define higher AQI values
  // (≥ 200). AQI values of 200 or greater are calculated with 24-hour SO2
  // concentrations." Devices send 1-hour values, so those rows are left out.
  so2: table(
    0,
    'ppb',
    '1-hour',
    hold('the TAD computes AQI above 200 from the 24-hour SO2 average, which roomcast does not receive'),
    [
      [0, 35],
      [36, 75],
      [76, 185],
      [186, 304],
    ],
  ),
  // 0–53 | 54–100 | 101–360 | 361–649 | 650–1249 | 1250–2049 ppb
  no2: table(0, 'ppb', '1-hour', EXTRAPOLATE, [
    [0, 53],
    [54, 100],
    [101, 360],
    [361, 649],
    [650, 1249],
    [1250, 2049],
  ]),
});

/** Each category's index range; an index above 500 is still Hazardous (see `categoryOf`). */
export const CATEGORY_RANGES: Readonly<Record<AqiCategory, readonly [lo: number, hi: number]>> = Object.freeze({
  Good: [0, 50],
  Moderate: [51, 100],
  'Unhealthy for Sensitive Groups': [101, 150],
  Unhealthy: [151, 200],
  'Very Unhealthy': [201, 300],
  Hazardous: [301, 500],
});

/** The TAD's standard colours (Table 2), as CSS hex. */
export const CATEGORY_COLORS: Readonly<Record<AqiCategory, string>> = Object.freeze({
  Good: '#00E400',
  Moderate: '#FFFF00',
  'Unhealthy for Sensitive Groups': '#FF7E00',
  Unhealthy: '#FF0000',
  'Very Unhealthy': '#8F3F97',
  Hazardous: '#7E0023',
});
