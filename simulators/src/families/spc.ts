import { DEVICE_TOPICS, type SpcSampleMessage } from '@roomcast/shared';
import type { Family, SimDevice } from '../family';
import type { Random } from '../random';
import { cycle, round } from '../shapes';
import { fillTopic } from '../topics';

/** A measured characteristic of a part, in control at Normal(mean, sigma). */
export interface SpcCharacteristic {
  id: string;
  unit: string;
  mean: number;
  sigma: number;
  /** 1: one value per sample (individuals chart); more: a subgroup `{ values }` (X̄-R chart). */
  subgroupSize: number;
  /** The gauge's resolution, far finer than sigma so rounding never hides an event. */
  decimals: number;
}

/** Device n measures characteristic n; past the end of the list the ids get a suffix (`torque-2`). */
export const SPC_CHARACTERISTICS: readonly SpcCharacteristic[] = [
  { id: 'bore-diameter', unit: 'mm', mean: 25, sigma: 0.005, subgroupSize: 5, decimals: 4 },
  { id: 'fill-weight', unit: 'g', mean: 500, sigma: 1.2, subgroupSize: 1, decimals: 2 },
  { id: 'torque', unit: 'N·m', mean: 12, sigma: 0.3, subgroupSize: 5, decimals: 3 },
  { id: 'shaft-length', unit: 'mm', mean: 150, sigma: 0.02, subgroupSize: 1, decimals: 4 },
  { id: 'seal-thickness', unit: 'mm', mean: 2.5, sigma: 0.01, subgroupSize: 5, decimals: 4 },
  { id: 'coating-thickness', unit: 'µm', mean: 35, sigma: 1.5, subgroupSize: 1, decimals: 2 },
  { id: 'weld-strength', unit: 'kN', mean: 18, sigma: 0.6, subgroupSize: 4, decimals: 2 },
  { id: 'surface-roughness', unit: 'µm', mean: 0.8, sigma: 0.05, subgroupSize: 1, decimals: 3 },
];

/** The injected out-of-control events and the Nelson rule each is meant to fire. */
export const SPC_EVENTS = {
  /** Rule 2: nine or more points in a row on one side of the centre line. */
  shift: { samples: 12, sigmas: 1.5 },
  /** Rule 3: six or more points in a row steadily increasing (seven points, six rises). */
  trend: { samples: 7, startSigmas: -1.2, stepSigmas: 0.4 },
  /** Rule 1: one point beyond three sigma. */
  outlier: { samples: 1, sigmas: 4 },
} as const;
export type SpcEventKind = keyof typeof SPC_EVENTS;
const EVENT_KINDS = Object.keys(SPC_EVENTS) as SpcEventKind[];

interface RunningEvent {
  kind: SpcEventKind;
  step: number;
  sign: 1 | -1;
}

/**
 * Where the plotted point (the value, or the subgroup's mean) lies during an
 * event, in units of the chart's sigma: σ for individuals, σ/√n for X̄.
 * Events are built to fire their rule for sure, not by luck: a shifted point
 * that noise would carry back across the centre line is drawn again, and a
 * trend's steps are larger than its noise, so it always rises.
 */
function eventOffset(event: RunningEvent, random: Random): number {
  switch (event.kind) {
    case 'shift': {
      let offset = SPC_EVENTS.shift.sigmas + random.normal();
      for (let tries = 0; offset < 0.1 && tries < 20; tries++) offset = SPC_EVENTS.shift.sigmas + random.normal();
      return Math.max(offset, 0.1);
    }
    case 'trend':
      return SPC_EVENTS.trend.startSigmas + event.step * SPC_EVENTS.trend.stepSigmas + random.uniform(0, 0.1);
    case 'outlier':
      return event.sign * (SPC_EVENTS.outlier.sigmas + random.uniform(0, 0.3));
  }
}

/**
 * Statistical process control: one device per measured characteristic of a
 * production line. In control the samples are Normal(mean, sigma); with
 * probability anomaly-rate per sample an event starts: a sustained shift, a
 * trend or a single outlier.
 */
export const spc: Family = {
  name: 'spc',
  description:
    'SPC samples (individuals or X̄-R subgroups) with shifts, trends, outliers on spc/{characteristicId}/samples',
  createDevice(index, random, { anomalyRate, idPrefix = '' }): SimDevice {
    const characteristic = cycle(SPC_CHARACTERISTICS, index);
    const lap = Math.floor(index / SPC_CHARACTERISTICS.length);
    const id = `${idPrefix}${characteristic.id}${lap === 0 ? '' : `-${lap + 1}`}`;
    const topic = fillTopic(DEVICE_TOPICS.spcSamples, { characteristicId: id });
    const { mean, sigma, subgroupSize: n, decimals } = characteristic;
    const pointSigma = sigma / Math.sqrt(n);
    let seq = 0;
    let event: RunningEvent | null = null;

    return {
      id,
      next(now) {
        seq += 1;
        if (event === null && random.chance(anomalyRate)) {
          event = { kind: random.pick(EVENT_KINDS), step: 0, sign: random.chance(0.5) ? 1 : -1 };
        }
        let values: number[];
        if (event === null) {
          values = Array.from({ length: n }, () => random.normal(mean, sigma));
        } else {
          const point = mean + eventOffset(event, random) * pointSigma;
          // Spread the subgroup naturally around the chosen point, keeping its mean exactly there.
          const noise = Array.from({ length: n }, () => random.normal(0, sigma));
          const noiseMean = n === 1 ? 0 : noise.reduce((sum, e) => sum + e, 0) / n;
          values = noise.map((e) => point + (n === 1 ? 0 : e - noiseMean));
          event.step += 1;
          if (event.step >= SPC_EVENTS[event.kind].samples) event = null;
        }
        const rounded = values.map((value) => round(value, decimals));
        const sampleId = `${id}-${seq}`;
        const timestamp = now.toISOString();
        const first = rounded[0] ?? mean;
        const message: SpcSampleMessage =
          n === 1 ? { value: first, sampleId, timestamp } : { values: rounded, sampleId, timestamp };
        return [{ topic, payload: message }];
      },
    };
  },
};
