/** Small numeric helpers shared by the families: pure, so a family's curves can be read in isolation. */

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Rounds to `decimals` places; devices report a fixed resolution, not float noise. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** The hour of day in [0, 24) at `now`, in the machine's local time or at a fixed UTC offset in hours. */
export function hourOfDay(now: Date, utcOffsetHours?: number): number {
  if (utcOffsetHours === undefined) {
    return now.getHours() + now.getMinutes() / 60 + now.getSeconds() / 3600;
  }
  const utcHours = now.getUTCHours() + now.getUTCMinutes() / 60 + now.getUTCSeconds() / 3600;
  return (((utcHours + utcOffsetHours) % 24) + 24) % 24;
}

/** A cosine over the day, 1 at `peakHour` and −1 twelve hours away. */
export function dailyWave(hour: number, peakHour: number): number {
  return Math.cos((2 * Math.PI * (hour - peakHour)) / 24);
}

/** A bump centred on `hour`, 1 at the centre, with the given width in hours (wrapping round midnight). */
export function bump(hour: number, centre: number, width: number): number {
  const distance = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(distance * distance) / (2 * width * width));
}

/**
 * One step of an Ornstein–Uhlenbeck walk: pulled back towards 0 with strength
 * `pull` (0–1 per step) and kicked by Normal(0, `kick`): wanders, never runs away.
 */
export function meanReverting(current: number, pull: number, kick: number, normal: () => number): number {
  return current * (1 - pull) + kick * normal();
}

/** Item `index` of a non-empty list, wrapping round: devices beyond the list reuse it from the start. */
export function cycle<T>(items: readonly T[], index: number): T {
  const item = items[index % items.length];
  if (item === undefined) throw new RangeError('cycle() needs a non-empty list');
  return item;
}
