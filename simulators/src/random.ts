/**
 * A seeded source of randomness. Every simulated device draws from its own
 * source, forked from the run's seed by a label, so a device's readings depend
 * only on the seed and its label: adding a family or a device does not change
 * the others, and a run can be replayed with `--seed`.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** Normal(mean, sd), by Box–Muller on this source. */
  normal(mean?: number, sd?: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An independent source derived from this one's seed and `label`; drawing from it leaves this one untouched. */
  fork(label: string): Random;
}

/** mulberry32: a 32-bit state PRNG, small and fast; plenty for simulation, never for secrets. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the label, mixed with the seed: distinct labels give unrelated streams. */
function deriveSeed(seed: number, label: string): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

export function createRandom(seed: number): Random {
  const uniform01 = mulberry32(seed);
  // Box–Muller yields two independent normals per draw; keep the second for the next call.
  let spare: number | null = null;

  const random: Random = {
    next: uniform01,
    uniform: (min, max) => min + (max - min) * uniform01(),
    int: (min, max) => min + Math.floor(uniform01() * (max - min + 1)),
    normal(mean = 0, sd = 1) {
      if (spare !== null) {
        const z = spare;
        spare = null;
        return mean + sd * z;
      }
      // 1 − u lies in (0, 1], so the logarithm is finite.
      const radius = Math.sqrt(-2 * Math.log(1 - uniform01()));
      const angle = 2 * Math.PI * uniform01();
      spare = radius * Math.sin(angle);
      return mean + sd * radius * Math.cos(angle);
    },
    chance: (p) => uniform01() < p,
    pick<T>(items: readonly T[]): T {
      const item = items[Math.floor(uniform01() * items.length)];
      if (item === undefined) throw new RangeError('pick() needs at least one item');
      return item;
    },
    fork: (label) => createRandom(deriveSeed(seed, label)),
  };
  return random;
}
