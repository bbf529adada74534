import { individualsLimits, SpcError, xbarRLimits } from '../../server/src/spc/limits';
import type { ControlLimits } from '../../server/src/spc/limits';
import { nelsonRule } from '../../server/src/spc/nelson-rules';
import { addSample, createCharacteristicState, restoreState } from '../../server/src/spc/spc-engine';
import type { CharacteristicConfig, CharacteristicState, SampleResult } from '../../server/src/spc/spc-engine';

/** Feeds the samples in order and returns every result; each sample is one value or one subgroup. */
function feed(state: CharacteristicState, samples: readonly (number | number[])[]): SampleResult[] {
  const results: SampleResult[] = [];
  let current = state;
  for (const sample of samples) {
    const result = addSample(current, typeof sample === 'number' ? [sample] : sample);
    results.push(result);
    current = result.state;
  }
  return results;
}

/** 1-based positions of the results in which `ruleId` fired. */
function positionsOf(results: readonly SampleResult[], ruleId: number): number[] {
  return results.flatMap((result, i) => (result.violations.some((v) => v.ruleId === ruleId) ? [i + 1] : []));
}

function expectSpcError(fn: () => unknown, message: RegExp): void {
  expect(fn).toThrow(SpcError);
  expect(fn).toThrow(message);
}

/** Fixed limits with centre 10 and σ = 2: zone C is 8…12, B 12…14 (and 6…8), A 14…16 (and 4…6). */
const FIXED: CharacteristicConfig = {
  chart: 'individuals',
  limits: { kind: 'fixed', centre: 10, ucl: 16, lcl: 4 },
};

/** Values that wander around 10 within 1σ and never make a pattern of their own. */
const IN_CONTROL = [10.5, 9.2, 11.1, 9.8, 10.4, 8.9];

/** NIST/SEMATECH e-Handbook 6.3.2.2 flowrate batches (see limits.test.ts). */
const FLOWRATE = [49.6, 47.6, 49.9, 51.3, 47.8, 51.2, 52.6, 52.4, 53.6, 52.1];

describe('baseline, then monitoring', () => {
  const config: CharacteristicConfig = { chart: 'individuals', limits: { kind: 'baseline', samples: 10 } };

  it('collects the first N samples without zones or rules, and computes the limits from them at the Nth', () => {
    const results = feed(createCharacteristicState(config), FLOWRATE);
    for (const result of results.slice(0, 9)) {
      expect(result).toMatchObject({ phase: 'baseline', classification: null, violations: [], limits: null });
    }
    const completing = results[9] as SampleResult;
    expect(completing.phase).toBe('baseline');
    expect(completing.classification).toBeNull();
    expect(completing.limits).toEqual(individualsLimits(FLOWRATE));
    expect(completing.state.phase).toBe('monitoring');
  });

  it('classifies and runs the rules from sample N + 1 against the baseline limits', () => {
    const [afterBaseline] = feed(createCharacteristicState(config), [...FLOWRATE, 56]).slice(10);
    // UCL = 55.8041: 56 is beyond it.
    expect(afterBaseline).toMatchObject({
      phase: 'monitoring',
      plotted: 56,
      classification: { zone: 'beyond_upper', inControl: false },
      violations: [{ ruleId: 1, ruleName: nelsonRule(1).name, severity: 'CRITICAL' }],
    });
    expect(afterBaseline?.limits).toEqual(individualsLimits(FLOWRATE));
  });

  it('reports the moving range from the second sample on, across the phase change', () => {
    const results = feed(createCharacteristicState(config), [...FLOWRATE, 52.6]);
    expect(results[0]?.range).toBeNull();
    expect(results[1]?.range).toBeCloseTo(2, 12);
    expect(results[10]?.range).toBeCloseTo(0.5, 12);
  });

  it('uses a baseline of 25 samples by default', () => {
    const values = Array.from({ length: 26 }, (_, i) => 10 + ((i * 7) % 5) / 10);
    const results = feed(createCharacteristicState({ chart: 'individuals', limits: { kind: 'baseline' } }), values);
    expect(results.map((result) => result.phase).lastIndexOf('baseline')).toBe(24);
    expect(results[24]?.limits).toEqual(individualsLimits(values.slice(0, 25)));
    expect(results[25]?.phase).toBe('monitoring');
  });

  it('plots subgroup means and ranges on an X̄-R chart', () => {
    const subgroups = [
      [74.03, 74.002, 74.019, 73.992, 74.008],
      [73.995, 73.992, 74.001, 74.011, 74.004],
      [73.988, 74.024, 74.021, 74.005, 74.002],
    ];
    const state = createCharacteristicState({
      chart: 'xbar-r',
      subgroupSize: 5,
      limits: { kind: 'baseline', samples: 3 },
    });
    const results = feed(state, [...subgroups, [74.1, 74.1, 74.1, 74.1, 74.11]]);
    expect(results[0]?.plotted).toBeCloseTo(74.0102, 10);
    expect(results[0]?.range).toBeCloseTo(0.038, 10);
    expect(results[2]?.limits).toEqual(xbarRLimits(subgroups));
    expect(results[3]?.classification).toEqual({ zone: 'beyond_upper', inControl: false });
    expect(results[3]?.range).toBeCloseTo(0.01, 10);
  });

  it('refuses to complete a baseline with no variation, leaving the state as it was', () => {
    const [first, second] = feed(
      createCharacteristicState({ chart: 'individuals', limits: { kind: 'baseline', samples: 3 } }),
      [5, 5],
    );
    expect(first?.phase).toBe('baseline');
    const before = second?.state as CharacteristicState;
    expectSpcError(() => addSample(before, [5]), /no variation/);
    expect(before.baseline).toEqual([[5], [5]]);
    // The same state accepts a sample that gives the baseline some spread.
    expect(addSample(before, [5.5]).limits?.centre).toBeCloseTo(5.5 / 3 + 10 / 3, 12);
  });
});

describe('monitoring with fixed limits', () => {
  it('monitors from the first sample', () => {
    const [result] = feed(createCharacteristicState(FIXED), [13]);
    expect(result).toMatchObject({
      phase: 'monitoring',
      classification: { zone: 'zone_b_upper', inControl: true },
      violations: [],
    });
  });

  it('fires rule 2 at the ninth point of a sustained +1.5σ shift', () => {
    // Centre + 1.5σ = 13, with noise of up to ±1σ: every shifted point is above the centre line.
    const shifted = [13, 11.4, 13.4, 15, 12.2, 14.2, 11.2, 13.6, 13.2, 12.6];
    const results = feed(createCharacteristicState(FIXED), [...IN_CONTROL, ...shifted]).slice(IN_CONTROL.length);
    expect(positionsOf(results, 2)).toEqual([9, 10]);
    expect(results[8]?.violations).toContainEqual({ ruleId: 2, ruleName: nelsonRule(2).name, severity: 'WARNING' });
    expect(results[8]?.classification?.inControl).toBe(false);
  });

  it('fires rule 1, CRITICAL, on a single +4σ outlier, and is in control again at the next point', () => {
    const results = feed(createCharacteristicState(FIXED), [...IN_CONTROL, 18, 10.2]).slice(IN_CONTROL.length);
    expect(results[0]).toMatchObject({
      plotted: 18,
      classification: { zone: 'beyond_upper', inControl: false },
      violations: [{ ruleId: 1, ruleName: 'One point beyond 3 sigma', severity: 'CRITICAL' }],
    });
    expect(results[1]?.classification).toEqual({ zone: 'zone_c_upper', inControl: true });
  });

  it('does not fire disabled rules', () => {
    const state = createCharacteristicState({ ...FIXED, rules: [2, 3, 4, 5, 6, 7, 8] });
    const [outlier] = feed(state, [...IN_CONTROL, 18]).slice(IN_CONTROL.length);
    expect(outlier?.violations).toEqual([]);
    expect(outlier?.classification).toEqual({ zone: 'beyond_upper', inControl: true });
  });

  it('applies per-rule severity overrides', () => {
    const state = createCharacteristicState({ ...FIXED, severities: { 1: 'WARNING', 2: 'CRITICAL' } });
    const results = feed(state, [18, ...Array.from({ length: 8 }, () => 11)]);
    expect(results[0]?.violations).toEqual([{ ruleId: 1, ruleName: nelsonRule(1).name, severity: 'WARNING' }]);
    expect(results[8]?.violations).toContainEqual({ ruleId: 2, ruleName: nelsonRule(2).name, severity: 'CRITICAL' });
  });

  it('leaves the state it was given unchanged', () => {
    const state = createCharacteristicState(FIXED);
    const [first] = feed(state, [11]);
    const snapshot = JSON.stringify(first?.state);
    const second = addSample(first?.state as CharacteristicState, [12]);
    expect(JSON.stringify(first?.state)).toBe(snapshot);
    expect(second.state.recent).toEqual([11, 12]);
    expect(Object.isFrozen(second.state)).toBe(true);
  });

  it('keeps no more history than the longest rule window', () => {
    const results = feed(
      createCharacteristicState(FIXED),
      Array.from({ length: 40 }, (_, i) => 10 + (i % 3) / 10),
    );
    expect(results[39]?.state.recent).toHaveLength(15);
  });
});

describe('restoreState', () => {
  const aboveCentre = [11, 10.5, 11.5, 10.8, 11.2, 10.6, 11.4, 10.9];

  it('continues a run across a restart: 8 points above before, 1 after, fires rule 2', () => {
    const before = feed(createCharacteristicState(FIXED), aboveCentre);
    expect(positionsOf(before, 2)).toEqual([]);
    const stored = before.map((result) => result.plotted);
    const limits = before[7]?.limits as ControlLimits;

    const restored = restoreState(FIXED, stored, limits);
    const after = addSample(restored, [11.1]);
    expect(after.violations).toContainEqual({ ruleId: 2, ruleName: nelsonRule(2).name, severity: 'WARNING' });
    expect(after.range).toBeCloseTo(0.2, 12);

    // Without the stored points the same sample is only the first of a run.
    expect(addSample(createCharacteristicState(FIXED), [11.1]).violations).toEqual([]);
  });

  it('continues with limits computed from a baseline before the restart', () => {
    const baselineConfig: CharacteristicConfig = { chart: 'individuals', limits: { kind: 'baseline', samples: 10 } };
    const limits = individualsLimits(FLOWRATE);
    const restored = restoreState(baselineConfig, [], limits);
    expect(restored.phase).toBe('monitoring');
    expect(addSample(restored, [56]).violations.map((v) => v.ruleId)).toEqual([1]);
  });

  it('keeps only the last 15 stored points', () => {
    const restored = restoreState(
      FIXED,
      Array.from({ length: 30 }, (_, i) => i),
      createCharacteristicState(FIXED).limits as ControlLimits,
    );
    expect(restored.recent).toEqual(Array.from({ length: 15 }, (_, i) => i + 15));
  });

  it('refuses limits of another chart and non-finite stored values', () => {
    const xbar = xbarRLimits([
      [1, 2],
      [2, 4],
    ]);
    expectSpcError(() => restoreState(FIXED, [], xbar), /xbar-r chart with n = 2/);
    const limits = createCharacteristicState(FIXED).limits as ControlLimits;
    expectSpcError(() => restoreState(FIXED, [1, Number.NaN], limits), /finite/);
  });
});

describe('invalid samples and configurations', () => {
  it('refuses a sample whose size does not match the chart, leaving the state usable', () => {
    const individuals = createCharacteristicState(FIXED);
    expectSpcError(() => addSample(individuals, [1, 2]), /exactly 1 value per sample, got 2/);
    expectSpcError(() => addSample(individuals, []), /got 0/);
    const xbar = createCharacteristicState({ chart: 'xbar-r', subgroupSize: 5, limits: { kind: 'baseline' } });
    expectSpcError(() => addSample(xbar, [1, 2, 3, 4]), /subgroups of 5 values, got 4/);
    expect(addSample(xbar, [1, 2, 3, 4, 5]).plotted).toBe(3);
  });

  it('refuses non-finite values', () => {
    const state = createCharacteristicState(FIXED);
    expectSpcError(() => addSample(state, [Number.NaN]), /value 1 is NaN/);
    expectSpcError(() => addSample(state, [Number.POSITIVE_INFINITY]), /Infinity/);
  });

  it.each<[string, CharacteristicConfig, RegExp]>([
    ['X̄-R without a subgroup size', { chart: 'xbar-r', limits: { kind: 'baseline' } }, /subgroupSize 2 to 10/],
    [
      'X̄-R with 11 per subgroup',
      { chart: 'xbar-r', subgroupSize: 11, limits: { kind: 'baseline' } },
      /subgroupSize 2 to 10, got 11/,
    ],
    ['individuals with subgroups', { chart: 'individuals', subgroupSize: 3, limits: { kind: 'baseline' } }, /got 3/],
    ['a one-sample baseline', { chart: 'individuals', limits: { kind: 'baseline', samples: 1 } }, /at least 2/],
    ['a fractional baseline', { chart: 'individuals', limits: { kind: 'baseline', samples: 2.5 } }, /integer/],
    [
      'fixed limits out of order',
      { chart: 'individuals', limits: { kind: 'fixed', centre: 10, ucl: 9, lcl: 4 } },
      /ucl > centre > lcl/,
    ],
    ['rule 9', { ...FIXED, rules: [1, 9] }, /unknown Nelson rule 9/],
    ['a severity for rule 0', { ...FIXED, severities: { 0: 'WARNING' } }, /unknown Nelson rule 0/],
    [
      'an unknown severity',
      { ...FIXED, severities: { 3: 'INFO' as unknown as 'WARNING' } },
      /'CRITICAL' or 'WARNING', got INFO/,
    ],
  ])('refuses %s', (_label, config, message) => {
    expectSpcError(() => createCharacteristicState(config), message);
  });
});
