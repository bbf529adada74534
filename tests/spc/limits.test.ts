import { MOVING_RANGE_FACTORS, SHEWHART_FACTORS } from '../../server/src/spc/constants';
import { fixedLimits, individualsLimits, SpcError, xbarRLimits } from '../../server/src/spc/limits';

/** Asserts that `fn` throws an SpcError with code SPC_INVALID whose message matches `message`. */
function expectSpcError(fn: () => unknown, message: RegExp): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SpcError);
  expect((thrown as SpcError).code).toBe('SPC_INVALID');
  expect((thrown as SpcError).message).toMatch(message);
}

describe('control chart factors', () => {
  // The standard table (Montgomery, ISQC, Appendix VI; ASTM E2587), n = 2…10.
  it.each([
    [2, 1.88, 1.128, 0, 3.267],
    [3, 1.023, 1.693, 0, 2.574],
    [4, 0.729, 2.059, 0, 2.282],
    [5, 0.577, 2.326, 0, 2.114],
    [6, 0.483, 2.534, 0, 2.004],
    [7, 0.419, 2.704, 0.076, 1.924],
    [8, 0.373, 2.847, 0.136, 1.864],
    [9, 0.337, 2.97, 0.184, 1.816],
    [10, 0.308, 3.078, 0.223, 1.777],
  ])('n = %i: A2 %f, d2 %f, D3 %f, D4 %f', (n, A2, d2, D3, D4) => {
    expect(SHEWHART_FACTORS.get(n)).toEqual({ n, A2, d2, D3, D4 });
  });

  it('A2 is 3 / (d2·√n) within the rounding of the two three-decimal factors', () => {
    for (const { n, A2, d2 } of SHEWHART_FACTORS.values()) {
      expect(Math.abs(A2 - 3 / (d2 * Math.sqrt(n)))).toBeLessThan(0.001);
    }
  });

  it('covers exactly n = 2…10, and moving ranges use the n = 2 row', () => {
    expect([...SHEWHART_FACTORS.keys()]).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(MOVING_RANGE_FACTORS).toMatchObject({ d2: 1.128, D3: 0, D4: 3.267 });
  });
});

describe('X̄-R limits: Montgomery’s piston-ring inside diameters', () => {
  /*
   * Montgomery, "Introduction to Statistical Quality Control" (2nd ed., pp. 206–213; the same
   * example is Example 6.1 in later editions): inside diameter (mm) of forged automobile engine
   * piston rings, 25 phase-I subgroups of n = 5. The raw data are transcribed from the R package
   * qcc (Scrucca), data/pistonrings.txt (samples 1–25, trial = TRUE), which reproduces that table.
   *
   * Published: X̿ = 74.001, R̄ = 0.023, UCL = 74.014, LCL = 73.988 (three decimals).
   * qcc's summary of the same 25 subgroups (qcc(diameter[1:25,], type = "xbar")) prints
   * Center = 74.00118, StdDev = 0.009785039, LCL = 73.98805, UCL = 74.0143.
   * (Later editions of the book print one subgroup differently, giving R̄ = 0.02324; both round
   * to the published three-decimal values checked here.)
   */
  const PISTON_RINGS: number[][] = [
    [74.03, 74.002, 74.019, 73.992, 74.008],
    [73.995, 73.992, 74.001, 74.011, 74.004],
    [73.988, 74.024, 74.021, 74.005, 74.002],
    [74.002, 73.996, 73.993, 74.015, 74.009],
    [73.992, 74.007, 74.015, 73.989, 74.014],
    [74.009, 73.994, 73.997, 73.985, 73.993],
    [73.995, 74.006, 73.994, 74.0, 74.005],
    [73.985, 74.003, 73.993, 74.015, 73.988],
    [74.008, 73.995, 74.009, 74.005, 74.004],
    [73.998, 74.0, 73.99, 74.007, 73.995],
    [73.994, 73.998, 73.994, 73.995, 73.99],
    [74.004, 74.0, 74.007, 74.0, 73.996],
    [73.983, 74.002, 73.998, 73.997, 74.012],
    [74.006, 73.967, 73.994, 74.0, 73.984],
    [74.012, 74.014, 73.998, 73.999, 74.007],
    [74.0, 73.984, 74.005, 73.998, 73.996],
    [73.994, 74.012, 73.986, 74.005, 74.007],
    [74.006, 74.01, 74.018, 74.003, 74.0],
    [73.984, 74.002, 74.003, 74.005, 73.997],
    [74.0, 74.01, 74.013, 74.02, 74.003],
    [73.988, 74.001, 74.009, 74.005, 73.996],
    [74.004, 73.999, 73.99, 74.006, 74.009],
    [74.01, 73.989, 73.99, 74.009, 74.014],
    [74.015, 74.008, 73.993, 74.0, 74.01],
    [73.982, 73.984, 73.995, 74.017, 74.013],
  ];

  const limits = xbarRLimits(PISTON_RINGS);

  it('reproduces the book’s X̿, R̄, UCL and LCL to three decimals', () => {
    expect(limits.chart).toBe('xbar-r');
    expect(limits.n).toBe(5);
    expect(limits.centre.toFixed(3)).toBe('74.001');
    expect(limits.range?.centre.toFixed(3)).toBe('0.023');
    expect(limits.ucl.toFixed(3)).toBe('74.014');
    expect(limits.lcl.toFixed(3)).toBe('73.988');
  });

  it('reproduces qcc’s printed centre, σ and limits', () => {
    expect(limits.centre).toBeCloseTo(74.00118, 5);
    // qcc uses the unrounded 3σ/√n where the book uses A2 = 0.577: the limits agree to 4 decimals.
    expect(limits.ucl).toBeCloseTo(74.0143, 4);
    expect(limits.lcl).toBeCloseTo(73.98805, 4);
    // qcc's σ is of one ring (R̄ / d2); the chart's σ is of a subgroup mean, √5 times smaller.
    expect(limits.sigmaUpper * Math.sqrt(5)).toBeCloseTo(0.009785039, 5);
    expect(limits.sigmaLower).toBe(limits.sigmaUpper);
  });

  it('puts the range chart at R̄ = 0.02276, UCL = D4·R̄, LCL = D3·R̄ = 0', () => {
    expect(limits.range?.centre).toBeCloseTo(0.02276, 10);
    expect(limits.range?.ucl).toBeCloseTo(2.114 * 0.02276, 10);
    expect(limits.range?.lcl).toBe(0);
  });

  it('takes σ of the mean as A2·R̄ / 3, so the limits are exactly 3σ from the centre', () => {
    expect(limits.sigmaUpper).toBeCloseTo((0.577 * 0.02276) / 3, 12);
    expect(limits.centre + 3 * limits.sigmaUpper).toBeCloseTo(limits.ucl, 12);
  });

  it('gives the R chart a positive lower limit from n = 7 (D3 = 0.076)', () => {
    const sevens = [
      [1, 2, 3, 4, 5, 6, 7],
      [2, 3, 4, 5, 6, 7, 9],
    ];
    const r = xbarRLimits(sevens);
    expect(r.range?.centre).toBe(6.5);
    expect(r.range?.lcl).toBeCloseTo(0.076 * 6.5, 12);
    expect(r.range?.ucl).toBeCloseTo(1.924 * 6.5, 12);
  });
});

describe('individuals limits: NIST/SEMATECH e-Handbook, section 6.3.2.2', () => {
  /*
   * NIST/SEMATECH e-Handbook of Statistical Methods, 6.3.2.2 "Individuals Control Charts",
   * example of moving range: ten batches of a flowrate,
   * X̄ = 50.81, MR̄ = 1.8778, UCL = 55.8041, LCL = 45.8159 (limits X̄ ± 3·MR̄/1.128).
   * The handbook's moving-range chart UCL is 6.1349 (3.267 × MR̄, rounded in the handbook;
   * 3.267 × 1.87778 = 6.1347), so it is checked to three decimals.
   */
  const FLOWRATE = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1];
  const limits = individualsLimits(FLOWRATE);

  it('reproduces X̄, MR̄, UCL and LCL to the published four decimals', () => {
    expect(limits.chart).toBe('individuals');
    expect(limits.n).toBe(1);
    expect(limits.centre.toFixed(2)).toBe('50.81');
    expect(limits.range?.centre.toFixed(4)).toBe('1.8778');
    expect(limits.ucl.toFixed(4)).toBe('55.8041');
    expect(limits.lcl.toFixed(4)).toBe('45.8159');
  });

  it('estimates σ as MR̄ / 1.128, the same on both sides', () => {
    expect(limits.sigmaUpper).toBeCloseTo(16.9 / 9 / 1.128, 12);
    expect(limits.sigmaLower).toBe(limits.sigmaUpper);
  });

  it('puts the moving-range chart at MR̄, 3.267·MR̄ and 0', () => {
    expect(limits.range?.ucl).toBeCloseTo(6.1349, 3);
    expect(limits.range?.ucl).toBeCloseTo(3.267 * (16.9 / 9), 12);
    expect(limits.range?.lcl).toBe(0);
  });
});

describe('fixed limits', () => {
  it('takes σ as a third of the distance from the centre to a limit', () => {
    expect(fixedLimits({ centre: 10, ucl: 16, lcl: 4 })).toEqual({
      chart: 'individuals',
      n: 1,
      centre: 10,
      ucl: 16,
      lcl: 4,
      sigmaUpper: 2,
      sigmaLower: 2,
    });
  });

  it('keeps a separate σ for each side of asymmetric limits', () => {
    const limits = fixedLimits({ centre: 10, ucl: 19, lcl: 7 });
    expect(limits.sigmaUpper).toBe(3);
    expect(limits.sigmaLower).toBe(1);
  });

  it('are X̄-chart limits on an X̄-R chart with the given subgroup size, and say nothing about the range', () => {
    const limits = fixedLimits({ centre: 74, ucl: 74.015, lcl: 73.985, chart: 'xbar-r', n: 5 });
    expect(limits).toMatchObject({ chart: 'xbar-r', n: 5 });
    expect(limits.range).toBeUndefined();
  });

  it.each([
    [{ centre: 10, ucl: 10, lcl: 4 }, /ucl > centre > lcl/],
    [{ centre: 10, ucl: 16, lcl: 10 }, /ucl > centre > lcl/],
    [{ centre: 10, ucl: 4, lcl: 16 }, /ucl > centre > lcl/],
    [{ centre: Number.NaN, ucl: 16, lcl: 4 }, /centre is NaN/],
    [{ centre: 10, ucl: Number.POSITIVE_INFINITY, lcl: 4 }, /ucl is Infinity/],
  ])('refuse %o', (input, message) => {
    expectSpcError(() => fixedLimits(input), message);
  });

  it('refuse a subgroup size that does not fit the chart', () => {
    expectSpcError(() => fixedLimits({ centre: 0, ucl: 3, lcl: -3, chart: 'xbar-r' }), /subgroup size of 2 to 10/);
    expectSpcError(() => fixedLimits({ centre: 0, ucl: 3, lcl: -3, chart: 'xbar-r', n: 11 }), /2 to 10, got 11/);
    expectSpcError(() => fixedLimits({ centre: 0, ucl: 3, lcl: -3, n: 2 }), /n = 1/);
  });
});

describe('invalid phase-I data', () => {
  it('individuals: fewer than two values give no moving range, and the message recommends a baseline', () => {
    expectSpcError(() => individualsLimits([]), /at least 2 values.*got 0.*baseline of about 25/);
    expectSpcError(() => individualsLimits([5]), /at least 2 values.*got 1/);
  });

  it('individuals: non-finite values are named by position', () => {
    expectSpcError(() => individualsLimits([1, Number.NaN, 3]), /value 2 is NaN/);
    expectSpcError(() => individualsLimits([1, 2, Number.NEGATIVE_INFINITY]), /value 3 is -Infinity/);
  });

  it('individuals: identical values have no variation and are refused rather than giving σ = 0', () => {
    expectSpcError(() => individualsLimits([7, 7, 7, 7]), /no variation \(average moving range 0\)/);
  });

  it('X̄-R: no subgroups', () => {
    expectSpcError(() => xbarRLimits([]), /at least 1 subgroup/);
  });

  it('X̄-R: subgroups outside 2…10 or of unequal size', () => {
    expectSpcError(() => xbarRLimits([[1]]), /2 to 10 values \(subgroup 1 has 1\)/);
    expectSpcError(() => xbarRLimits([[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]), /subgroup 1 has 11/);
    expectSpcError(
      () =>
        xbarRLimits([
          [1, 2, 3],
          [1, 2],
        ]),
      /subgroup 1 has 3 values, subgroup 2 has 2/,
    );
  });

  it('X̄-R: non-finite values and zero ranges', () => {
    expectSpcError(
      () =>
        xbarRLimits([
          [1, 2],
          [3, Number.NaN],
        ]),
      /subgroup 2, value 2 is NaN/,
    );
    expectSpcError(
      () =>
        xbarRLimits([
          [4, 4],
          [5, 5],
        ]),
      /no variation \(R̄ = 0\)/,
    );
  });
});
