import type {
  DeviceDataPayload,
  DeviceStatusPayload,
  IsoTimestamp,
  Pollutant,
  SensorReadingPayload,
} from '@roomcast/shared';

/** Why a message was not accepted; each reason is counted and kept in the dead-letter buffer. */
export const REJECT_REASONS = [
  'unknown_topic',
  'payload_too_large',
  'not_json',
  'invalid_payload',
  'invalid_id',
  'invalid_timestamp',
  'timestamp_in_future',
  /** A fault in the gateway itself while handling the message; logged with its stack. */
  'processing_failed',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** A device's own alarm set points (SubTronics detectors carry them); they count as alert rules. */
export interface DeviceThreshold {
  metric: string;
  /** alarm_level_1 */
  warning: number;
  /** alarm_level_2 */
  critical: number;
  direction: 'rising' | 'falling';
}

export interface SpcSampleInput {
  characteristicId: string;
  /** One value (individuals chart) or a subgroup of 2–10. */
  values: number[];
  sampleId: string | null;
  timestamp: IsoTimestamp;
}

export interface AqiReadingInput {
  /** Normalised: trimmed and lower-cased. */
  location: string;
  concentrations: Partial<Record<Pollutant, number>>;
  timestamp: IsoTimestamp;
}

/** What a normaliser turns a message into. */
export type IngestEvent =
  | { kind: 'device:data'; payload: DeviceDataPayload; thresholds: DeviceThreshold[] }
  | { kind: 'device:status'; payload: DeviceStatusPayload }
  | { kind: 'sensor_reading'; payload: SensorReadingPayload }
  | { kind: 'spc_sample'; sample: SpcSampleInput }
  | { kind: 'aqi_reading'; reading: AqiReadingInput };

export type NormaliseResult = { ok: true; event: IngestEvent } | { ok: false; reason: RejectReason; message: string };

export interface NormaliserInput {
  /** The topic levels captured by the route's `{name}` placeholders. */
  params: Readonly<Record<string, string>>;
  payload: Buffer;
  /** When the gateway received the message: the timestamp when the payload has none. */
  receivedAt: Date;
}

export interface Normaliser {
  /** The topic parameters the normaliser needs its route to capture. */
  readonly params: readonly string[];
  normalise(input: NormaliserInput): NormaliseResult;
}
