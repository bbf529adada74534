import type { SpcZone, ViolationSeverity } from '@roomcast/shared';
import type { ControlLimits } from './limits';
import { zoneDepth, zoneOf, zoneSide } from './zones';

/**
 * Nelson's eight tests for special causes (L. S. Nelson, "The Shewhart Control Chart — Tests
 * for Special Causes", Journal of Quality Technology 16(4), 1984). The names use the common
 * wording of the SPC literature ("One point beyond 3 sigma", …), with roomcast's spelling of "centre".
 *
 * A rule fires at every point that completes its window: the rule looks at the `window` most
 * recent points ending at the current one and fires when they satisfy its condition. A run
 * longer than the window therefore fires at each further point (10 in a row above the centre
 * line fire rule 2 at the 9th and the 10th). For rules 5 and 6 the condition is on the window
 * as a whole, so the current point is flagged when the window holds the required count even if
 * the current point is not one of them (2 of the last 3 beyond 2σ on one side is enough).
 *
 * Definitions, with σ the side's sigma and zone boundaries belonging to the inner zone:
 * 1. the point is beyond a control limit (more than 3σ from the centre line);
 * 2. 9 points all above, or all below, the centre line; a point on the line breaks the run;
 * 3. 6 points each strictly greater (or each strictly smaller) than the one before;
 * 4. 14 points whose 13 successive differences are non-zero and alternate in sign;
 * 5. of 3 points, at least 2 more than 2σ from the centre line on the same side (zone A or beyond);
 * 6. of 5 points, at least 4 more than 1σ from the centre line on the same side (zone B or beyond);
 * 7. 15 points all within 1σ of the centre line (zone C), either side;
 * 8. 8 points all more than 1σ from the centre line, either side (none in zone C).
 */
export interface NelsonRule {
  readonly id: RuleId;
  readonly name: string;
  /** How many points, ending at the current one, the rule looks at. */
  readonly window: number;
  readonly defaultSeverity: ViolationSeverity;
}

export type RuleId = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

const RULE_TABLE: NelsonRule[] = [
  { id: 1, name: 'One point beyond 3 sigma', window: 1, defaultSeverity: 'CRITICAL' },
  { id: 2, name: 'Nine points in a row on the same side of the centre line', window: 9, defaultSeverity: 'WARNING' },
  { id: 3, name: 'Six points in a row steadily increasing or decreasing', window: 6, defaultSeverity: 'WARNING' },
  { id: 4, name: 'Fourteen points in a row alternating up and down', window: 14, defaultSeverity: 'WARNING' },
  {
    id: 5,
    name: 'Two out of three points in a row beyond 2 sigma on the same side',
    window: 3,
    defaultSeverity: 'WARNING',
  },
  {
    id: 6,
    name: 'Four out of five points in a row beyond 1 sigma on the same side',
    window: 5,
    defaultSeverity: 'WARNING',
  },
  {
    id: 7,
    name: 'Fifteen points in a row within 1 sigma of the centre line',
    window: 15,
    defaultSeverity: 'WARNING',
  },
  {
    id: 8,
    name: 'Eight points in a row beyond 1 sigma on either side',
    window: 8,
    defaultSeverity: 'WARNING',
  },
];

/** The rule table, in id order (NELSON_RULES[id - 1] is rule id). */
export const NELSON_RULES: readonly NelsonRule[] = Object.freeze(RULE_TABLE.map((rule) => Object.freeze(rule)));

export const ALL_RULE_IDS: readonly RuleId[] = Object.freeze(NELSON_RULES.map((rule) => rule.id));

/** The longest window; a caller keeping history for the rules needs no more points than this. */
export const MAX_RULE_WINDOW = Math.max(...NELSON_RULES.map((rule) => rule.window));

export function isRuleId(value: unknown): value is RuleId {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 8;
}

export function nelsonRule(id: RuleId): NelsonRule {
  return NELSON_RULES[id - 1] as NelsonRule;
}

/** The points the rule looks at, oldest first; they all exist because the caller checked the length. */
type Window = { values: readonly number[]; zones: readonly SpcZone[] };

function countOnSameSide(zones: readonly SpcZone[], minDepth: number): number {
  let upper = 0;
  let lower = 0;
  for (const zone of zones) {
    if (zoneDepth(zone) < minDepth) continue;
    if (zoneSide(zone) === 'upper') upper++;
    else lower++;
  }
  return Math.max(upper, lower);
}

const CONDITIONS: Readonly<Record<RuleId, (window: Window, limits: ControlLimits) => boolean>> = {
  1: ({ zones }) => zoneDepth(zones[0] as SpcZone) === 4,
  2: ({ values }, { centre }) => values.every((v) => v > centre) || values.every((v) => v < centre),
  3: ({ values }) => {
    let rising = true;
    let falling = true;
    for (let i = 1; i < values.length; i++) {
      const step = (values[i] as number) - (values[i - 1] as number);
      if (!(step > 0)) rising = false;
      if (!(step < 0)) falling = false;
    }
    return rising || falling;
  },
  4: ({ values }) => {
    let previous = 0;
    for (let i = 1; i < values.length; i++) {
      const step = Math.sign((values[i] as number) - (values[i - 1] as number));
      // A repeated value is neither up nor down, so it breaks the alternation.
      if (step === 0 || step === previous) return false;
      previous = step;
    }
    return true;
  },
  5: ({ zones }) => countOnSameSide(zones, 3) >= 2,
  6: ({ zones }) => countOnSameSide(zones, 2) >= 4,
  7: ({ zones }) => zones.every((zone) => zoneDepth(zone) === 1),
  8: ({ zones }) => zones.every((zone) => zoneDepth(zone) >= 2),
};

/**
 * The ids of the enabled rules that fire at the last point of `history`, in ascending order.
 *
 * `history` is the plotted values (individual values or subgroup means), most recent last, all
 * judged against the same `limits`. Only the last MAX_RULE_WINDOW points are read, so a caller
 * may pass a long history without cost; a rule whose window is longer than the history does
 * not fire.
 */
export function evaluateRules(
  history: readonly number[],
  limits: ControlLimits,
  enabled: ReadonlySet<number>,
): RuleId[] {
  const tailStart = Math.max(0, history.length - MAX_RULE_WINDOW);
  const tail = history.slice(tailStart);
  const tailZones = tail.map((value) => zoneOf(value, limits));
  const fired: RuleId[] = [];
  for (const rule of NELSON_RULES) {
    if (!enabled.has(rule.id) || tail.length < rule.window) continue;
    const from = tail.length - rule.window;
    const window = { values: tail.slice(from), zones: tailZones.slice(from) };
    if (CONDITIONS[rule.id](window, limits)) fired.push(rule.id);
  }
  return fired;
}
