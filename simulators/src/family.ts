import type { Random } from './random';

/** The families the simulator knows; each publishes one kind of device message of the shared contract. */
export const FAMILY_NAMES = ['soil', 'subtronics', 'telemetry', 'spc', 'aqi'] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

export function isFamilyName(value: string): value is FamilyName {
  return (FAMILY_NAMES as readonly string[]).includes(value);
}

/** One MQTT publish. An object payload is sent as JSON; a string as it is. */
export interface SimMessage {
  topic: string;
  payload: string | object;
  retain?: boolean;
}

/** What a family needs to know about the run, beyond the device index and its random source. */
export interface DeviceOptions {
  /** The probability, per sample, that an injected event (leak, outlier, episode…) starts. 0–1. */
  anomalyRate: number;
  /** Prepended to every id, so that two runs against one broker do not share devices. Default ''. */
  idPrefix?: string;
}

export interface SimDevice {
  /** The id the device publishes under (the topic parameter of its messages). */
  readonly id: string;
  /**
   * The messages of one sample taken at `now`. Devices keep their own state
   * (drift, running events) between calls; `now` drives daily cycles, so a
   * device given the same random source and the same instants repeats itself.
   */
  next(now: Date): SimMessage[];
}

export interface Family {
  readonly name: FamilyName;
  /** One line for `--help`. */
  readonly description: string;
  /** Builds device number `index` (from 0); `random` belongs to that device alone. */
  createDevice(index: number, random: Random, options: DeviceOptions): SimDevice;
  /**
   * Device families only: published retained to the device's status topic when
   * its connection comes up (`online`)…
   */
  birth?(id: string): SimMessage;
  /** …and set as its MQTT Last Will, and published on a clean stop (`offline`). */
  lastWill?(id: string): SimMessage;
}
