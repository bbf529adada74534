import fc from 'fast-check';
import { fixedLimits } from '../../server/src/spc/limits';
import type { ControlLimits } from '../../server/src/spc/limits';
import { ALL_RULE_IDS, evaluateRules, MAX_RULE_WINDOW, NELSON_RULES } from '../../server/src/spc/nelson-rules';
import { zoneOf } from '../../server/src/spc/zones';

/*
 * Nelson, L. S. (1984), "The Shewhart Control Chart — Tests for Special Causes", Journal of
 * Quality Technology 16(4), 237–239: eight tests on a chart divided into zones C, B and A of
 * one σ each on both sides of the centre line. Names as Minitab words the same eight tests
 * ("Using tests for special causes in control charts", Minitab support).
 *
 * Flagging convention (the same as the major SPC packages' "every point that completes the
 * pattern"): a rule fires at the current point when the window of its length that ends at
 * that point satisfies the rule's condition. For rules 5 and 6 the condition is the count in
 * the window, so the current point is flagged even when it is not one of the counted points.
 *
 * The charts below have centre 0, σ = 1 and limits ±3 (values are in units of σ), except
 * where asymmetric limits are the point.
 */
const LIMITS = fixedLimits({ centre: 0, ucl: 3, lcl: -3 });

/** 1-based positions at which `rule` alone fires, evaluating every prefix of `values`. */
function firesAt(rule: number, values: readonly number[], limits: ControlLimits = LIMITS): number[] {
  const positions: number[] = [];
  for (let end = 1; end <= values.length; end++) {
    const fired: readonly number[] = evaluateRules(values.slice(0, end), limits, new Set([rule]));
    if (fired.includes(rule)) positions.push(end);
  }
  return positions;
}

const repeat = (value: number, times: number): number[] => Array.from({ length: times }, () => value);
/** Up, down, up, …: `count` points alternating between `low` and `high`, starting low. */
const zigzag = (count: number, low = 0, high = 1): number[] =>
  Array.from({ length: count }, (_, i) => (i % 2 === 0 ? low : high));

describe('the rule table', () => {
  it('lists the eight rules with their windows and default severities', () => {
    expect(NELSON_RULES.map(({ id, window, defaultSeverity }) => [id, window, defaultSeverity])).toEqual([
      [1, 1, 'CRITICAL'],
      [2, 9, 'WARNING'],
      [3, 6, 'WARNING'],
      [4, 14, 'WARNING'],
      [5, 3, 'WARNING'],
      [6, 5, 'WARNING'],
      [7, 15, 'WARNING'],
      [8, 8, 'WARNING'],
    ]);
    expect(ALL_RULE_IDS).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(MAX_RULE_WINDOW).toBe(15);
  });

  it('names the rules in the customary wording', () => {
    expect(Object.fromEntries(NELSON_RULES.map((rule) => [rule.id, rule.name]))).toEqual({
      1: 'One point beyond 3 sigma',
      2: 'Nine points in a row on the same side of the centre line',
      3: 'Six points in a row steadily increasing or decreasing',
      4: 'Fourteen points in a row alternating up and down',
      5: 'Two out of three points in a row beyond 2 sigma on the same side',
      6: 'Four out of five points in a row beyond 1 sigma on the same side',
      7: 'Fifteen points in a row within 1 sigma of the centre line',
      8: 'Eight points in a row beyond 1 sigma on either side',
    });
  });
});

describe('zones', () => {
  it.each([
    [0, 'zone_c_upper'],
    [0.5, 'zone_c_upper'],
    [1, 'zone_c_upper'],
    [1.5, 'zone_b_upper'],
    [2, 'zone_b_upper'],
    [2.5, 'zone_a_upper'],
    [3, 'zone_a_upper'],
    [3.5, 'beyond_upper'],
    [-0.5, 'zone_c_lower'],
    [-1, 'zone_c_lower'],
    [-1.5, 'zone_b_lower'],
    [-2, 'zone_b_lower'],
    [-2.5, 'zone_a_lower'],
    [-3, 'zone_a_lower'],
    [-3.5, 'beyond_lower'],
  ])('%f σ is %s (a boundary belongs to the inner zone; the centre line is zone C upper)', (value, zone) => {
    expect(zoneOf(value, LIMITS)).toBe(zone);
  });

  it('use each side’s own σ with asymmetric limits', () => {
    const limits = fixedLimits({ centre: 10, ucl: 19, lcl: 7 }); // σ 3 above, 1 below
    expect(zoneOf(13, limits)).toBe('zone_c_upper');
    expect(zoneOf(13.1, limits)).toBe('zone_b_upper');
    expect(zoneOf(19, limits)).toBe('zone_a_upper');
    expect(zoneOf(9, limits)).toBe('zone_c_lower');
    expect(zoneOf(8.9, limits)).toBe('zone_b_lower');
    expect(zoneOf(6.9, limits)).toBe('beyond_lower');
  });
});

describe('rule 1: one point more than 3σ from the centre line', () => {
  it('fires at a single point beyond either limit', () => {
    expect(firesAt(1, [3.5])).toEqual([1]);
    expect(firesAt(1, [-3.5])).toEqual([1]);
    expect(firesAt(1, [0, 0.5, 4, 0])).toEqual([3]);
  });

  it('does not fire on a point exactly on a control limit (3σ is still zone A)', () => {
    expect(firesAt(1, [3, -3, 2.5, -2.5])).toEqual([]);
  });
});

describe('rule 2: nine points in a row on the same side of the centre line', () => {
  it('fires at the ninth point above, or below', () => {
    expect(firesAt(2, repeat(0.5, 9))).toEqual([9]);
    expect(firesAt(2, repeat(-2.5, 9))).toEqual([9]);
  });

  it('does not fire on eight in a row', () => {
    expect(firesAt(2, repeat(0.5, 8))).toEqual([]);
    expect(firesAt(2, [...repeat(0.5, 8), -0.5, ...repeat(0.5, 8)])).toEqual([]);
  });

  it('fires at every point that completes a run of nine: 10 in a row fire at 9 and 10', () => {
    expect(firesAt(2, repeat(1.5, 10))).toEqual([9, 10]);
    expect(firesAt(2, [0.5, -0.5, ...repeat(-1, 11)])).toEqual([10, 11, 12, 13]);
  });

  it('counts a point exactly on the centre line on neither side: it breaks the run', () => {
    expect(firesAt(2, [...repeat(0.5, 4), 0, ...repeat(0.5, 4)])).toEqual([]);
    expect(firesAt(2, [...repeat(0.5, 8), 0, 0.5])).toEqual([]);
  });
});

describe('rule 3: six points in a row, all increasing or all decreasing', () => {
  it('fires at the sixth point of a strict rise or fall', () => {
    expect(firesAt(3, [-1, -0.5, 0, 0.5, 1, 1.5])).toEqual([6]);
    expect(firesAt(3, [2, 1.5, 1, 0.5, 0, -0.5])).toEqual([6]);
  });

  it('does not fire on five', () => {
    expect(firesAt(3, [-1, -0.5, 0, 0.5, 1])).toEqual([]);
    expect(firesAt(3, [0, 0.5, 1, 1.5, 2, 0, 0.5, 1, 1.5, 2])).toEqual([]);
  });

  it('fires at every further point of a longer trend', () => {
    expect(firesAt(3, [0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5])).toEqual([6, 7, 8]);
  });

  it('treats two equal consecutive values as breaking the trend', () => {
    expect(firesAt(3, [0, 0.5, 1, 1, 1.5, 2])).toEqual([]);
    expect(firesAt(3, [0, 0.5, 1, 1.5, 1.5, 2, 2.5])).toEqual([]);
  });
});

describe('rule 4: fourteen points in a row, alternating up and down', () => {
  it('fires at the fourteenth point of a zigzag', () => {
    expect(firesAt(4, zigzag(14))).toEqual([14]);
    expect(firesAt(4, zigzag(14, 1, -0.5))).toEqual([14]);
  });

  it('does not fire on thirteen', () => {
    expect(firesAt(4, zigzag(13))).toEqual([]);
  });

  it('fires at every further alternating point', () => {
    expect(firesAt(4, zigzag(16))).toEqual([14, 15, 16]);
  });

  it('treats a repeated value as breaking the alternation', () => {
    // Points 7 and 8 are both 0, and every window of fourteen contains them.
    expect(firesAt(4, [...zigzag(7), 0, ...zigzag(7, 1, 0)])).toEqual([]);
    expect(firesAt(4, [0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])).toEqual([]);
  });
});

describe('rule 5: two out of three points more than 2σ from the centre line (same side)', () => {
  it('fires at the third point when two of the last three are beyond 2σ on one side', () => {
    expect(firesAt(5, [0, 2.5, 2.5])).toEqual([3]);
    expect(firesAt(5, [2.5, 0, 2.5])).toEqual([3]);
    expect(firesAt(5, [-2.5, -0.5, -3.5])).toEqual([3]);
  });

  it('flags the last point of the window even when it is not one of the two (window convention)', () => {
    expect(firesAt(5, [2.5, 2.5, 0])).toEqual([3]);
    expect(firesAt(5, [0, 2.5, 2.5, 0, 0])).toEqual([3, 4]);
  });

  it('counts points beyond the control limit as beyond 2σ', () => {
    expect(firesAt(5, [3.5, 0, 2.5])).toEqual([3]);
  });

  it('does not fire on one beyond 2σ in every three, nor on two on opposite sides', () => {
    expect(firesAt(5, [2.5, 0, 0, 2.5, 0, 0, 2.5])).toEqual([]);
    expect(firesAt(5, [2.5, -2.5, 0])).toEqual([]);
  });

  it('does not count a point exactly 2σ from the centre line as beyond 2σ', () => {
    expect(firesAt(5, [2, 2, 2])).toEqual([]);
    expect(firesAt(5, [2, 2.5, -2, -2])).toEqual([]);
  });
});

describe('rule 6: four out of five points more than 1σ from the centre line (same side)', () => {
  it('fires at the fifth point when four of the last five are beyond 1σ on one side', () => {
    expect(firesAt(6, [0, 1.5, 1.5, 2, 3.5])).toEqual([5]);
    expect(firesAt(6, [-1.5, -2.5, 0.5, -1.5, -2])).toEqual([5]);
  });

  it('flags the last point of the window even when it is not one of the four', () => {
    expect(firesAt(6, [1.5, 1.5, 1.5, 1.5, 0])).toEqual([5]);
  });

  it('does not fire on three in five, nor on four split across the two sides', () => {
    expect(firesAt(6, [1.5, 1.5, 1.5, 0, 0, 1.5, 1.5, 1.5])).toEqual([]);
    expect(firesAt(6, [1.5, 1.5, -1.5, -1.5, 0])).toEqual([]);
  });

  it('does not count a point exactly 1σ from the centre line as beyond 1σ', () => {
    expect(firesAt(6, [1, 1, 1, 1, 1])).toEqual([]);
    expect(firesAt(6, [1.5, 1.5, 1.5, 1, 0])).toEqual([]);
  });
});

describe('rule 7: fifteen points in a row within 1σ of the centre line (either side)', () => {
  it('fires at the fifteenth point within 1σ, on either side', () => {
    expect(firesAt(7, zigzag(15, -0.5, 0.5))).toEqual([15]);
  });

  it('counts points exactly 1σ from the centre line as within', () => {
    expect(firesAt(7, zigzag(15, -1, 1))).toEqual([15]);
  });

  it('does not fire on fourteen, nor when a point beyond 1σ breaks the run', () => {
    expect(firesAt(7, zigzag(14, -0.5, 0.5))).toEqual([]);
    expect(firesAt(7, [...zigzag(7, -0.5, 0.5), 1.5, ...zigzag(14, -0.5, 0.5)])).toEqual([]);
  });

  it('fires at every further point within 1σ', () => {
    expect(firesAt(7, repeat(0, 17))).toEqual([15, 16, 17]);
  });
});

describe('rule 8: eight points in a row more than 1σ from the centre line (either side)', () => {
  it('fires at the eighth point outside zone C, on either side', () => {
    expect(firesAt(8, zigzag(8, -1.5, 1.5))).toEqual([8]);
    expect(firesAt(8, [2.5, -3.5, 1.5, 1.5, -2, 2, -1.5, 4])).toEqual([8]);
  });

  it('does not fire on seven, nor when one point is exactly 1σ from the centre line', () => {
    expect(firesAt(8, zigzag(7, -1.5, 1.5))).toEqual([]);
    expect(firesAt(8, [...zigzag(4, -1.5, 1.5), 1, ...zigzag(4, -1.5, 1.5)])).toEqual([]);
  });

  it('fires at every further point', () => {
    expect(firesAt(8, zigzag(10, -2, 2))).toEqual([8, 9, 10]);
  });
});

describe('evaluateRules', () => {
  it('returns every enabled rule that fires at the point, in id order', () => {
    // Nine points at +2.5σ: rule 2 (nine on one side), 5 (2 of 3 beyond 2σ), 6 (4 of 5 beyond 1σ), 8 (8 beyond 1σ).
    expect(evaluateRules(repeat(2.5, 9), LIMITS, new Set(ALL_RULE_IDS))).toEqual([2, 5, 6, 8]);
  });

  it('runs only the enabled rules', () => {
    expect(evaluateRules(repeat(2.5, 9), LIMITS, new Set([6, 2]))).toEqual([2, 6]);
    expect(evaluateRules([4], LIMITS, new Set())).toEqual([]);
  });

  it('reads only the last 15 points', () => {
    const early = [...repeat(2.5, 100), ...zigzag(15, -0.5, 0.5)];
    expect(evaluateRules(early, LIMITS, new Set(ALL_RULE_IDS))).toEqual(
      evaluateRules(early.slice(-15), LIMITS, new Set(ALL_RULE_IDS)),
    );
  });
});

/*
 * Property tests: evaluateRules at every prefix against a plain evaluation of each rule's
 * window, written straight from the definitions with loops and raw distances (no zones).
 */
describe('evaluateRules agrees with a reference evaluation of every window', () => {
  const WINDOWS: Readonly<Record<number, number>> = { 1: 1, 2: 9, 3: 6, 4: 14, 5: 3, 6: 5, 7: 15, 8: 8 };

  /** True when the reference definition of `rule` holds for the window ending at the last value. */
  function reference(rule: number, history: readonly number[], limits: ControlLimits): boolean {
    const size = WINDOWS[rule] as number;
    if (history.length < size) return false;
    const w = history.slice(history.length - size);
    const c = limits.centre;
    const up = limits.sigmaUpper;
    const down = limits.sigmaLower;
    switch (rule) {
      case 1: {
        const x = w[0] as number;
        return x > limits.ucl || x < limits.lcl;
      }
      case 2: {
        let above = 0;
        let below = 0;
        for (const x of w) {
          if (x > c) above++;
          if (x < c) below++;
        }
        return above === size || below === size;
      }
      case 3: {
        let increasing = 0;
        let decreasing = 0;
        for (let i = 1; i < size; i++) {
          if ((w[i] as number) > (w[i - 1] as number)) increasing++;
          if ((w[i] as number) < (w[i - 1] as number)) decreasing++;
        }
        return increasing === size - 1 || decreasing === size - 1;
      }
      case 4: {
        for (let i = 1; i < size; i++) {
          if (w[i] === w[i - 1]) return false;
        }
        for (let i = 2; i < size; i++) {
          const wasUp = (w[i - 1] as number) > (w[i - 2] as number);
          const isUp = (w[i] as number) > (w[i - 1] as number);
          if (wasUp === isUp) return false;
        }
        return true;
      }
      case 5:
      case 6: {
        const k = rule === 5 ? 2 : 1;
        const needed = rule === 5 ? 2 : 4;
        let beyondAbove = 0;
        let beyondBelow = 0;
        for (const x of w) {
          if (x - c > k * up) beyondAbove++;
          if (c - x > k * down) beyondBelow++;
        }
        return beyondAbove >= needed || beyondBelow >= needed;
      }
      case 7: {
        for (const x of w) {
          const within = x >= c ? x - c <= up : c - x <= down;
          if (!within) return false;
        }
        return true;
      }
      case 8: {
        for (const x of w) {
          const within = x >= c ? x - c <= up : c - x <= down;
          if (within) return false;
        }
        return true;
      }
      default:
        throw new Error(`no rule ${rule}`);
    }
  }

  /*
   * Sequences of multiples of σ/2 built from segments, so that every rule's pattern and every
   * zone boundary turns up often: plain random levels, steady rises and falls (sometimes with a
   * repeated value), zigzags (sometimes broken), runs near the centre, runs far from it, and runs
   * on one side (sometimes touching the centre line).
   */
  const LEVELS = Array.from({ length: 19 }, (_, i) => (i - 9) / 2); // −4.5σ … +4.5σ
  const level = fc.constantFrom(...LEVELS);
  const segment = fc.oneof(
    fc.array(level, { minLength: 1, maxLength: 12 }),
    fc
      .tuple(level, fc.constantFrom(1, -1), fc.array(fc.constantFrom(0.5, 0.5, 1, 0), { minLength: 3, maxLength: 8 }))
      .map(([start, direction, steps]) =>
        steps.reduce((xs, s) => [...xs, (xs.at(-1) as number) + direction * s], [start]),
      ),
    fc
      .tuple(
        level,
        fc.array(fc.constantFrom(0.5, 1, 1.5, 3, 0.5, 1, 1.5, 0), { minLength: 12, maxLength: 18 }),
        fc.constantFrom(1, -1),
      )
      .map(([start, swings, first]) =>
        swings.reduce((xs, s, i) => [...xs, (xs.at(-1) as number) + (i % 2 === 0 ? first : -first) * s], [start]),
      ),
    fc.array(fc.constantFrom(-0.5, 0, 0.5, 1, -0.5, 0, 0.5, 1, 0, -1, 1.5), { minLength: 12, maxLength: 24 }),
    fc.array(fc.constantFrom(-4, -3.5, -3, -2.5, -2, -1.5, -1, 1, 1.5, 2, 2.5, 3, 3.5, 4), {
      minLength: 4,
      maxLength: 10,
    }),
    fc
      .tuple(
        fc.constantFrom(1, -1),
        fc.array(fc.constantFrom(0.5, 1, 1.5, 2, 2.5, 3, 0), { minLength: 6, maxLength: 11 }),
      )
      .map(([side, xs]) => xs.map((x) => side * x)),
  );
  const sequence = fc.array(segment, { minLength: 1, maxLength: 4 }).map((segments) => segments.flat());

  const ASYMMETRIC = fixedLimits({ centre: 0, ucl: 3, lcl: -1.5 }); // σ 1 above, 0.5 below

  describe.each([
    ['symmetric limits (centre 0, σ 1)', LIMITS],
    ['asymmetric limits (centre 0, σ 1 above and 0.5 below)', ASYMMETRIC],
  ])('%s', (_label, limits) => {
    it.each(ALL_RULE_IDS.map((id) => [id]))('rule %i, 500 random sequences, at every prefix', (rule) => {
      let fired = 0;
      let quiet = 0;
      fc.assert(
        fc.property(sequence, (values) => {
          for (let end = 1; end <= values.length; end++) {
            const prefix = values.slice(0, end);
            const expected = reference(rule, prefix, limits);
            const actual = evaluateRules(prefix, limits, new Set([rule]));
            if (expected) fired++;
            else quiet++;
            expect(actual).toEqual(expected ? [rule] : []);
          }
        }),
        { numRuns: 500 },
      );
      // The generator must exercise both outcomes, or the property proves little.
      expect(fired).toBeGreaterThan(20);
      expect(quiet).toBeGreaterThan(20);
    });
  });

  it('all rules together equal the union of the single-rule references (500 sequences)', () => {
    fc.assert(
      fc.property(sequence, (values) => {
        for (let end = 1; end <= values.length; end++) {
          const prefix = values.slice(0, end);
          const expected = ALL_RULE_IDS.filter((rule) => reference(rule, prefix, LIMITS));
          expect(evaluateRules(prefix, LIMITS, new Set(ALL_RULE_IDS))).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
