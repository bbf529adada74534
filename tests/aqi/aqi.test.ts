import fc from 'fast-check';
import { POLLUTANTS } from '@roomcast/shared';
import type { AqiCategory, Pollutant } from '@roomcast/shared';
import { categoryOf, computeAqi, subIndex } from '../../server/src/aqi/aqi';
import { AQI_BANDS, BREAKPOINTS, CATEGORY_COLORS } from '../../server/src/aqi/breakpoints';
import { PHYSICAL_CEILINGS } from '../../server/src/ingest/normalisers/aqi-reading';

/**
 * The specification's table in EPA's units (May 2024 TAD), copied by hand so the
 * integer data in breakpoints.ts is checked against something it was not built
 * from. O3 stops at 0.200 ppm (8-hour) and SO2 at 304 ppb (1-hour): the rows
 * above them belong to other averaging periods (see the special cases below).
 */
const SPEC: Record<Pollutant, [cLo: number, cHi: number, iLo: number, iHi: number][]> = {
  pm25: [
    [0.0, 9.0, 0, 50],
    [9.1, 35.4, 51, 100],
    [35.5, 55.4, 101, 150],
    [55.5, 125.4, 151, 200],
    [125.5, 225.4, 201, 300],
    [225.5, 325.4, 301, 500],
  ],
  pm10: [
    [0, 54, 0, 50],
    [55, 154, 51, 100],
    [155, 254, 101, 150],
    [255, 354, 151, 200],
    [355, 424, 201, 300],
    [425, 604, 301, 500],
  ],
  o3: [
    [0.0, 0.054, 0, 50],
    [0.055, 0.07, 51, 100],
    [0.071, 0.085, 101, 150],
    [0.086, 0.105, 151, 200],
    [0.106, 0.2, 201, 300],
  ],
  co: [
    [0.0, 4.4, 0, 50],
    [4.5, 9.4, 51, 100],
    [9.5, 12.4, 101, 150],
    [12.5, 15.4, 151, 200],
    [15.5, 30.4, 201, 300],
    [30.5, 50.4, 301, 500],
  ],
  so2: [
    [0, 35, 0, 50],
    [36, 75, 51, 100],
    [76, 185, 101, 150],
    [186, 304, 151, 200],
  ],
  no2: [
    [0, 53, 0, 50],
    [54, 100, 51, 100],
    [101, 360, 101, 150],
    [361, 649, 151, 200],
    [650, 1249, 201, 300],
    [1250, 2049, 301, 500],
  ],
};

function top(pollutant: Pollutant): number {
  const last = SPEC[pollutant].at(-1);
  if (last === undefined) throw new Error(`no table for ${pollutant}`);
  return last[1];
}

function indexOf(pollutant: Pollutant, concentration: number): { aqi: number; truncated: number; note?: string } {
  const result = subIndex(pollutant, concentration);
  if ('excluded' in result) throw new Error(`unexpectedly excluded: ${result.excluded}`);
  return result;
}

describe('the breakpoint data', () => {
  it.each(POLLUTANTS)('%s matches the specification table, in integer truncation units', (pollutant) => {
    const { decimals, bands } = BREAKPOINTS[pollutant];
    const scale = 10 ** decimals;
    expect(bands.map((b) => [b.cLo / scale, b.cHi / scale, b.iLo, b.iHi])).toEqual(SPEC[pollutant]);
    for (const band of bands) {
      expect(Number.isInteger(band.cLo) && Number.isInteger(band.cHi)).toBe(true);
    }
  });

  it('truncates to the precision the TAD names', () => {
    const decimals = Object.fromEntries(POLLUTANTS.map((p) => [p, BREAKPOINTS[p].decimals]));
    expect(decimals).toEqual({ pm25: 1, pm10: 0, o3: 3, co: 1, so2: 0, no2: 0 });
  });

  it('has AQI bands that tile 0–500 with no gap', () => {
    expect(AQI_BANDS[0]?.[0]).toBe(0);
    expect(AQI_BANDS.at(-1)?.[1]).toBe(500);
    AQI_BANDS.slice(1).forEach(([lo], i) => expect(lo).toBe((AQI_BANDS[i]?.[1] ?? NaN) + 1));
  });

  // The printed table has apparent gaps (PM2.5 9.0 | 9.1, O3 0.070 | 0.071).
  // Truncation puts every concentration on the grid, so on the grid there must be none.
  it.each(POLLUTANTS)('%s: every truncated concentration from 0 to the top lies in exactly one band', (pollutant) => {
    const { bands } = BREAKPOINTS[pollutant];
    expect(bands[0]?.cLo).toBe(0);
    bands.slice(1).forEach((band, i) => expect(band.cLo).toBe((bands[i]?.cHi ?? NaN) + 1));
    const topUnits = bands.at(-1)?.cHi ?? 0;
    for (let units = 0; units <= topUnits; units += 1) {
      expect(bands.filter((b) => b.cLo <= units && units <= b.cHi)).toHaveLength(1);
    }
  });

  it('never meets a gap for any concentration inside the table (property)', () => {
    for (const pollutant of POLLUTANTS) {
      fc.assert(
        fc.property(fc.double({ min: 0, max: top(pollutant), noNaN: true }), (concentration) => {
          // subIndex throws if a truncated value matches no band; a note would mean "outside the table".
          const result = indexOf(pollutant, concentration);
          expect(result.note).toBeUndefined();
        }),
      );
    }
  });
});

describe('concentration → sub-index, computed by hand from the table', () => {
  // I = (I_hi − I_lo)/(C_hi − C_lo) · (C − C_lo) + I_lo, then round half up.
  // At a band's C_lo the index is I_lo and at its C_hi it is I_hi, exactly.
  const cases: [Pollutant, number, number][] = [
    // PM2.5, µg/m³ (24-hour)
    ['pm25', 0.0, 0], // C_lo of 0–50
    // (50−0)/(9.0−0.0)·(5.0−0.0)+0 = 27.78 → 28
    ['pm25', 5.0, 28],
    ['pm25', 9.0, 50], // C_hi of 0–50
    ['pm25', 9.09, 50], // truncated to 9.0
    ['pm25', 9.1, 51], // C_lo of 51–100
    // (100−51)/(35.4−9.1)·(20.0−9.1)+51 = 71.31 → 71
    ['pm25', 20.0, 71],
    ['pm25', 35.4, 100], // C_hi of 51–100
    ['pm25', 35.45, 100], // truncated to 35.4
    ['pm25', 35.5, 101], // C_lo of 101–150
    // (150−101)/(55.4−35.5)·(50.0−35.5)+101 = 136.70 → 137
    ['pm25', 50.0, 137],
    ['pm25', 55.4, 150], // C_hi of 101–150
    ['pm25', 55.5, 151], // C_lo of 151–200
    // (200−151)/(125.4−55.5)·(100.0−55.5)+151 = 182.19 → 182
    ['pm25', 100.0, 182],
    ['pm25', 125.4, 200], // C_hi of 151–200
    ['pm25', 125.5, 201], // C_lo of 201–300
    // (300−201)/(225.4−125.5)·(150.0−125.5)+201 = 225.28 → 225
    ['pm25', 150.0, 225],
    ['pm25', 225.4, 300], // C_hi of 201–300
    ['pm25', 225.5, 301], // C_lo of 301–500
    // (500−301)/(325.4−225.5)·(300.0−225.5)+301 = 449.40 → 449
    ['pm25', 300.0, 449],
    ['pm25', 325.4, 500], // C_hi of 301–500, the top of the table

    // PM10, µg/m³ (24-hour)
    // (50−0)/(54−0)·(30−0)+0 = 27.78 → 28
    ['pm10', 30, 28],
    ['pm10', 54, 50], // C_hi of 0–50
    ['pm10', 54.9, 50], // truncated to 54
    ['pm10', 55, 51], // C_lo of 51–100
    // (100−51)/(154−55)·(100−55)+51 = 73.27 → 73
    ['pm10', 100, 73],
    ['pm10', 154.99, 100], // truncated to 154, C_hi of 51–100
    // (150−101)/(254−155)·(200−155)+101 = 123.27 → 123
    ['pm10', 200, 123],
    // (200−151)/(354−255)·(300−255)+151 = 173.27 → 173
    ['pm10', 300, 173],
    // (300−201)/(424−355)·(400−355)+201 = 265.57 → 266
    ['pm10', 400, 266],
    // (500−301)/(604−425)·(500−425)+301 = 384.38 → 384
    ['pm10', 500, 384],
    ['pm10', 604, 500], // C_hi of 301–500

    // O3, ppm (8-hour)
    // (50−0)/(0.054−0.000)·(0.040−0.000)+0 = 37.04 → 37
    ['o3', 0.04, 37],
    ['o3', 0.054, 50], // C_hi of 0–50
    ['o3', 0.0549, 50], // truncated to 0.054
    ['o3', 0.055, 51], // C_lo of 51–100
    // (100−51)/(0.070−0.055)·(0.060−0.055)+51 = 67.33 → 67
    ['o3', 0.06, 67],
    ['o3', 0.07, 100], // C_hi of 51–100
    ['o3', 0.0709, 100], // truncated to 0.070: the same as 0.070
    ['o3', 0.071, 101], // C_lo of 101–150 (0.071 / 0.001 is 70.99… in floating point)
    // (150−101)/(0.085−0.071)·(0.078−0.071)+101 = 125.5 → 126 (an exact half, rounded up)
    ['o3', 0.078, 126],
    ['o3', 0.085, 150], // C_hi of 101–150
    ['o3', 0.086, 151], // C_lo of 151–200
    // (200−151)/(0.105−0.086)·(0.100−0.086)+151 = 187.11 → 187
    ['o3', 0.1, 187],
    ['o3', 0.105, 200], // C_hi of 151–200
    ['o3', 0.106, 201], // C_lo of 201–300
    // (300−201)/(0.200−0.106)·(0.150−0.106)+201 = 247.34 → 247
    ['o3', 0.15, 247],
    ['o3', 0.2, 300], // C_hi of 201–300, the top of the 8-hour table
    ['o3', 0.2009, 300], // truncated to 0.200: still inside the table

    // CO, ppm (8-hour)
    // (50−0)/(4.4−0.0)·(1.1−0.0)+0 = 12.5 → 13 (an exact half, rounded up)
    ['co', 1.1, 13],
    // (50−0)/(4.4−0.0)·(2.0−0.0)+0 = 22.73 → 23
    ['co', 2.0, 23],
    ['co', 4.4, 50], // C_hi of 0–50
    ['co', 4.49, 50], // truncated to 4.4
    ['co', 4.5, 51], // C_lo of 51–100
    // (100−51)/(9.4−4.5)·(6.0−4.5)+51 = 66.00 → 66
    ['co', 6.0, 66],
    // (150−101)/(12.4−9.5)·(10.0−9.5)+101 = 109.45 → 109
    ['co', 10.0, 109],
    // (200−151)/(15.4−12.5)·(13.0−12.5)+151 = 159.45 → 159
    ['co', 13.0, 159],
    // (300−201)/(30.4−15.5)·(20.0−15.5)+201 = 230.90 → 231
    ['co', 20.0, 231],
    // (500−301)/(50.4−30.5)·(40.0−30.5)+301 = 396.00 → 396
    ['co', 40.0, 396],
    ['co', 50.4, 500], // C_hi of 301–500

    // SO2, ppb (1-hour)
    // (50−0)/(35−0)·(20−0)+0 = 28.57 → 29
    ['so2', 20, 29],
    ['so2', 35, 50], // C_hi of 0–50
    ['so2', 35.9, 50], // truncated to 35
    ['so2', 36, 51], // C_lo of 51–100
    // (100−51)/(75−36)·(50−36)+51 = 68.59 → 69
    ['so2', 50, 69],
    ['so2', 75, 100], // C_hi of 51–100
    ['so2', 76, 101], // C_lo of 101–150
    // (150−101)/(185−76)·(100−76)+101 = 111.79 → 112
    ['so2', 100, 112],
    ['so2', 185, 150], // C_hi of 101–150
    ['so2', 186, 151], // C_lo of 151–200
    // (200−151)/(304−186)·(245−186)+151 = 175.5 → 176 (an exact half, rounded up)
    ['so2', 245, 176],
    // (200−151)/(304−186)·(250−186)+151 = 177.58 → 178
    ['so2', 250, 178],
    ['so2', 304, 200], // C_hi of 151–200, the top of the 1-hour table
    ['so2', 304.9, 200], // truncated to 304: still inside the table

    // NO2, ppb (1-hour)
    // (50−0)/(53−0)·(30−0)+0 = 28.30 → 28
    ['no2', 30, 28],
    ['no2', 53, 50], // C_hi of 0–50
    ['no2', 53.99, 50], // truncated to 53
    ['no2', 54, 51], // C_lo of 51–100
    // (100−51)/(100−54)·(77−54)+51 = 75.5 → 76 (an exact half, rounded up)
    ['no2', 77, 76],
    // (100−51)/(100−54)·(80−54)+51 = 78.70 → 79
    ['no2', 80, 79],
    ['no2', 100, 100], // C_hi of 51–100
    ['no2', 101, 101], // C_lo of 101–150
    // (150−101)/(360−101)·(200−101)+101 = 119.73 → 120
    ['no2', 200, 120],
    // (200−151)/(649−361)·(500−361)+151 = 174.65 → 175
    ['no2', 500, 175],
    // (300−201)/(1249−650)·(1000−650)+201 = 258.85 → 259
    ['no2', 1000, 259],
    // (500−301)/(2049−1250)·(1500−1250)+301 = 363.27 → 363
    ['no2', 1500, 363],
    ['no2', 2049, 500], // C_hi of 301–500
  ];

  it.each(cases)('%s %p → %i', (pollutant, concentration, expected) => {
    expect(indexOf(pollutant, concentration).aqi).toBe(expected);
  });

  it('covers every pollutant in every category its table defines', () => {
    const seen = new Set(cases.map(([p, , aqi]) => `${p}:${categoryOf(aqi)}`));
    for (const pollutant of POLLUTANTS) {
      for (const band of BREAKPOINTS[pollutant].bands) {
        expect(seen).toContain(`${pollutant}:${categoryOf(band.iLo)}`);
      }
    }
  });
});

describe('truncation', () => {
  // Exact decimal truncation of the number as written, never a float floor.
  it.each<[Pollutant, number, number]>([
    ['pm25', 9.09, 9.0],
    ['pm25', 35.45, 35.4],
    ['pm25', 9.0, 9.0],
    ['pm25', 0.3, 0.3], // 0.3 / 0.1 is 2.99… in floating point
    ['pm25', 2.9, 2.9], // and 2.9 / 0.1 is 28.99…
    ['co', 0.29, 0.2],
    ['co', 0.7, 0.7],
    ['o3', 0.07, 0.07],
    ['o3', 0.0709, 0.07],
    ['o3', 0.071, 0.071],
    ['o3', 0.086, 0.086],
    ['o3', 1.005, 1.005], // 1.005 · 1000 is 1004.99… in floating point
    ['o3', 1e-7, 0], // String() writes it as 1e-7
    ['pm10', 154.99, 154],
    ['so2', 304.9, 304],
    ['no2', 2049.999, 2049],
    ['pm25', 0, 0],
    ['pm25', -0, 0],
  ])('%s %p is looked up as %p', (pollutant, concentration, truncated) => {
    expect(indexOf(pollutant, concentration).truncated).toBe(truncated);
  });

  it('keeps the reported concentration, not the truncated one, in the result', () => {
    expect(computeAqi({ pm25: 9.09 })?.pollutants).toEqual({ pm25: { concentration: 9.09, aqi: 50 } });
  });
});

describe('the AQI of a reading', () => {
  it('is the largest sub-index, with its pollutant as dominant', () => {
    // pm25 20.0 → 71, o3 0.078 → 126, co 6.0 → 66 (computed above)
    expect(computeAqi({ pm25: 20.0, o3: 0.078, co: 6.0 })).toEqual({
      value: 126,
      category: 'Unhealthy for Sensitive Groups',
      color: '#FF7E00',
      dominantPollutant: 'o3',
      pollutants: {
        pm25: { concentration: 20.0, aqi: 71 },
        o3: { concentration: 0.078, aqi: 126 },
        co: { concentration: 6.0, aqi: 66 },
      },
      notes: [],
    });
  });

  it('works from any one pollutant', () => {
    expect(computeAqi({ no2: 80 })).toMatchObject({ value: 79, dominantPollutant: 'no2', category: 'Moderate' });
  });

  // Ties go to the first pollutant in POLLUTANTS order (pm25, pm10, o3, co, so2, no2),
  // whatever order the reading's keys arrive in.
  it.each<[string, Partial<Record<Pollutant, number>>, Pollutant]>([
    // pm25 35.4 → 100, o3 0.070 → 100
    ['pm25 over o3', { o3: 0.07, pm25: 35.4 }, 'pm25'],
    // o3 0.070 → 100, no2 100 → 100
    ['o3 over no2', { no2: 100, o3: 0.07 }, 'o3'],
    // pm10 154 → 100, co 9.4 → 100, so2 75 → 100
    ['pm10 over co and so2', { so2: 75, co: 9.4, pm10: 154 }, 'pm10'],
    // co 50.4 → 500, no2 2049 → 500
    ['co over no2 at 500', { no2: 2049, co: 50.4 }, 'co'],
  ])('breaks a tie by pollutant order: %s', (_name, concentrations, dominant) => {
    expect(computeAqi(concentrations)?.dominantPollutant).toBe(dominant);
  });

  it('is null when no pollutant yields a sub-index', () => {
    expect(computeAqi({})).toBeNull();
    expect(computeAqi({ pm25: Number.NaN, co: -1 })).toBeNull();
  });

  it('leaves out a value that is not a concentration and says so', () => {
    expect(subIndex('pm25', -0.1)).toEqual({ excluded: expect.stringContaining('pm25') });
    expect(subIndex('co', Number.NaN)).toEqual({ excluded: expect.stringContaining('co') });
    expect(subIndex('no2', Number.POSITIVE_INFINITY)).toEqual({ excluded: expect.stringContaining('no2') });
    const result = computeAqi({ pm25: Number.NaN, co: 6.0 });
    expect(result).toMatchObject({ value: 66, dominantPollutant: 'co', pollutants: { co: { aqi: 66 } } });
    expect(result?.pollutants.pm25).toBeUndefined();
    expect(result?.notes).toEqual([expect.stringContaining('pm25 NaN')]);
  });
});

describe('categories and colours', () => {
  // The TAD's category names and standard colours.
  it.each<[AqiCategory, Partial<Record<Pollutant, number>>, number, string]>([
    ['Good', { pm25: 5.0 }, 28, '#00E400'],
    ['Moderate', { pm25: 20.0 }, 71, '#FFFF00'],
    ['Unhealthy for Sensitive Groups', { pm25: 50.0 }, 137, '#FF7E00'],
    ['Unhealthy', { pm25: 100.0 }, 182, '#FF0000'],
    ['Very Unhealthy', { pm25: 150.0 }, 225, '#8F3F97'],
    ['Hazardous', { pm25: 300.0 }, 449, '#7E0023'],
  ])('%s: %j → %i in %s', (category, concentrations, value, color) => {
    expect(computeAqi(concentrations)).toMatchObject({ value, category, color });
    expect(CATEGORY_COLORS[category]).toBe(color);
  });

  it.each<[number, AqiCategory]>([
    [0, 'Good'],
    [50, 'Good'],
    [51, 'Moderate'],
    [100, 'Moderate'],
    [101, 'Unhealthy for Sensitive Groups'],
    [150, 'Unhealthy for Sensitive Groups'],
    [151, 'Unhealthy'],
    [200, 'Unhealthy'],
    [201, 'Very Unhealthy'],
    [300, 'Very Unhealthy'],
    [301, 'Hazardous'],
    [500, 'Hazardous'],
    [501, 'Hazardous'], // "Beyond the AQI": the Hazardous advice applies
    [1844, 'Hazardous'],
  ])('categoryOf(%i) is %s', (aqi, category) => {
    expect(categoryOf(aqi)).toBe(category);
  });

  it('refuses what is not an index', () => {
    expect(() => categoryOf(-1)).toThrow(RangeError);
    expect(() => categoryOf(Number.NaN)).toThrow(RangeError);
  });
});

describe('special cases', () => {
  describe('8-hour O3 above 0.200 ppm', () => {
    // TAD: "8-hour O3 values do not define higher AQI values (≥ 301). AQI values of
    // 301 or higher are calculated with 1-hour O3 concentrations." roomcast has no
    // 1-hour value, so it holds the ozone sub-index at 300, the top of the 8-hour
    // table, and says so, rather than drop ozone from the AQI at its worst.
    it.each([0.201, 0.25, 0.5, 1.005])('holds %p ppm at 300 with a note', (concentration) => {
      const result = indexOf('o3', concentration);
      expect(result.aqi).toBe(300);
      expect(result.note).toMatch(/o3 .* ppm is above 0\.200 ppm.*1-hour ozone.*held at 300/);
    });

    it('keeps ozone in the AQI and the note in the result', () => {
      const result = computeAqi({ pm25: 5.0, o3: 0.25 });
      expect(result).toMatchObject({
        value: 300,
        category: 'Very Unhealthy',
        color: '#8F3F97',
        dominantPollutant: 'o3',
        pollutants: { pm25: { concentration: 5.0, aqi: 28 }, o3: { concentration: 0.25, aqi: 300 } },
      });
      expect(result?.notes).toHaveLength(1);
    });
  });

  describe('1-hour SO2 above 304 ppb', () => {
    // TAD: "1-hour SO2 values do not define higher AQI values (≥ 200). AQI values of
    // 200 or greater are calculated with 24-hour SO2 concentrations." The table's
    // 305–1004 ppb rows are 24-hour rows; roomcast holds a 1-hour value at 200.
    it.each([305, 400, 604, 605, 1004, 2000])('holds %p ppb at 200 with a note', (concentration) => {
      const result = indexOf('so2', concentration);
      expect(result.aqi).toBe(200);
      expect(result.note).toMatch(/so2 .* ppb is above 304 ppb.*24-hour SO2.*held at 200/);
    });

    it('reports it as Unhealthy', () => {
      expect(computeAqi({ so2: 600 })).toMatchObject({ value: 200, category: 'Unhealthy', color: '#FF0000' });
    });
  });

  describe('above the top of the table', () => {
    // 40 CFR 58 App. G §12: "If the concentration is larger than the highest breakpoint
    // … you may use the last two breakpoints … when you apply Equation 1." AQI values
    // above 500 are "Beyond the AQI"; they are reported as Hazardous.
    it.each<[Pollutant, number, number]>([
      // (500−301)/(325.4−225.5)·(325.5−225.5)+301 = 500.20 → 500
      ['pm25', 325.5, 500],
      // (500−301)/(325.4−225.5)·(400.0−225.5)+301 = 648.60 → 649
      ['pm25', 400.0, 649],
      // (500−301)/(325.4−225.5)·(1000.0−225.5)+301 = 1843.80 → 1844 (the ingest ceiling)
      ['pm25', 1000.0, 1844],
      // (500−301)/(604−425)·(605−425)+301 = 501.11 → 501
      ['pm10', 605, 501],
      // (500−301)/(50.4−30.5)·(60.0−30.5)+301 = 596.00 → 596
      ['co', 60.0, 596],
      // (500−301)/(2049−1250)·(3000−1250)+301 = 736.86 → 737
      ['no2', 3000, 737],
    ])('%s %p continues the 301–500 line to %i, with a note', (pollutant, concentration, expected) => {
      const result = indexOf(pollutant, concentration);
      expect(result.aqi).toBe(expected);
      expect(result.note).toMatch(
        new RegExp(`^${pollutant} .* is above .*the top of the .* table; sub-index ${expected}`),
      );
      expect(result.note?.includes('Beyond the AQI')).toBe(expected > 500);
    });

    it('reports an index beyond 500 as Hazardous', () => {
      expect(computeAqi({ pm25: 400.0, o3: 0.05 })).toMatchObject({
        value: 649,
        category: 'Hazardous',
        color: '#7E0023',
        dominantPollutant: 'pm25',
        notes: [expect.stringContaining('Beyond the AQI')],
      });
    });
  });
});

describe('properties', () => {
  /** A concentration inside the table: any double, or exactly a grid point. */
  const inside = (pollutant: Pollutant): fc.Arbitrary<number> => {
    const { decimals, bands } = BREAKPOINTS[pollutant];
    const topUnits = bands.at(-1)?.cHi ?? 0;
    return fc.oneof(
      fc.double({ min: 0, max: top(pollutant), noNaN: true }),
      fc.integer({ min: 0, max: topUnits }).map((units) => units / 10 ** decimals),
    );
  };

  it.each(POLLUTANTS)('%s: monotone non-decreasing and within its band inside the table', (pollutant) => {
    const step = 10 ** -BREAKPOINTS[pollutant].decimals;
    fc.assert(
      fc.property(inside(pollutant), inside(pollutant), (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const lowIndex = indexOf(pollutant, low);
        const highIndex = indexOf(pollutant, high);
        expect(lowIndex.aqi).toBeLessThanOrEqual(highIndex.aqi);
        for (const [concentration, { aqi, truncated }] of [
          [low, lowIndex],
          [high, highIndex],
        ] as const) {
          expect(truncated).toBeLessThanOrEqual(concentration);
          expect(concentration - truncated).toBeLessThan(step);
          const band = SPEC[pollutant].find(([cLo, cHi]) => cLo <= truncated && truncated <= cHi);
          expect(band).toBeDefined();
          const [, , iLo, iHi] = band ?? [0, 0, NaN, NaN];
          expect(aqi).toBeGreaterThanOrEqual(iLo);
          expect(aqi).toBeLessThanOrEqual(iHi);
        }
      }),
    );
  });

  it.each(POLLUTANTS)('%s: monotone non-decreasing over everything ingest accepts', (pollutant) => {
    const concentration = fc.double({ min: 0, max: PHYSICAL_CEILINGS[pollutant], noNaN: true });
    fc.assert(
      fc.property(concentration, concentration, (a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(indexOf(pollutant, low).aqi).toBeLessThanOrEqual(indexOf(pollutant, high).aqi);
      }),
    );
  });
});
