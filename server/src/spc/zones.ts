import type { SpcZone } from '@roomcast/shared';
import type { ControlLimits } from './limits';

/**
 * The zone of a plotted value: C within 1σ of the centre line, B within 2σ, A within 3σ, and
 * beyond outside the control limits, upper or lower by the side of the centre line.
 *
 * Boundaries belong to the inner zone: exactly 1σ is zone C, exactly 2σ zone B, and a point
 * exactly on a control limit is zone A (so rule 1 needs a point strictly beyond the limit).
 * A point exactly on the centre line is zone_c_upper. The outer boundary is the control limit
 * itself rather than centre ± 3σ recomputed, so a point is "beyond" exactly when it is outside
 * the limits the dashboard draws, whatever the floating-point rounding of σ.
 */
export function zoneOf(value: number, limits: ControlLimits): SpcZone {
  const { centre } = limits;
  if (value >= centre) {
    if (value <= centre + limits.sigmaUpper) return 'zone_c_upper';
    if (value <= centre + 2 * limits.sigmaUpper) return 'zone_b_upper';
    if (value <= limits.ucl) return 'zone_a_upper';
    return 'beyond_upper';
  }
  if (value >= centre - limits.sigmaLower) return 'zone_c_lower';
  if (value >= centre - 2 * limits.sigmaLower) return 'zone_b_lower';
  if (value >= limits.lcl) return 'zone_a_lower';
  return 'beyond_lower';
}

export type ZoneSide = 'upper' | 'lower';

/** How far out a zone lies: 1 for C, 2 for B, 3 for A, 4 beyond the limits. */
export function zoneDepth(zone: SpcZone): 1 | 2 | 3 | 4 {
  switch (zone) {
    case 'zone_c_upper':
    case 'zone_c_lower':
      return 1;
    case 'zone_b_upper':
    case 'zone_b_lower':
      return 2;
    case 'zone_a_upper':
    case 'zone_a_lower':
      return 3;
    case 'beyond_upper':
    case 'beyond_lower':
      return 4;
  }
}

export function zoneSide(zone: SpcZone): ZoneSide {
  return zone.endsWith('_upper') ? 'upper' : 'lower';
}
