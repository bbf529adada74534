import type { Normaliser } from './types';
import { aqiReadingNormaliser } from './aqi-reading';
import { deviceStatusNormaliser } from './device-status';
import { deviceTelemetryNormaliser } from './device-telemetry';
import { sensorReadingNormaliser } from './sensor-reading';
import { spcSampleNormaliser } from './spc-sample';
import { subtronicsNormaliser } from './subtronics';

/** The names a route (or a routes file) may give; one per device family. */
export const NORMALISER_NAMES = [
  'sensor-reading',
  'device-telemetry',
  'device-status',
  'subtronics',
  'spc-sample',
  'aqi-reading',
] as const;
export type NormaliserName = (typeof NORMALISER_NAMES)[number];

export const NORMALISERS: Readonly<Record<NormaliserName, Normaliser>> = Object.freeze({
  'sensor-reading': sensorReadingNormaliser,
  'device-telemetry': deviceTelemetryNormaliser,
  'device-status': deviceStatusNormaliser,
  subtronics: subtronicsNormaliser,
  'spc-sample': spcSampleNormaliser,
  'aqi-reading': aqiReadingNormaliser,
});

export function isNormaliserName(value: unknown): value is NormaliserName {
  return typeof value === 'string' && (NORMALISER_NAMES as readonly string[]).includes(value);
}

export type {
  AqiReadingInput,
  DeviceThreshold,
  IngestEvent,
  Normaliser,
  NormaliserInput,
  NormaliseResult,
  RejectReason,
  SpcSampleInput,
} from './types';
export { REJECT_REASONS } from './types';
