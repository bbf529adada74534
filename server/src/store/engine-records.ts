import type { AqiUpdatePayload, IsoTimestamp, SpcZone, ViolationRecord } from '@roomcast/shared';

/** What the SPC and AQI engines keep. The definitions are validated by the SPC module; the store keeps JSON. */

export interface StoredCharacteristic {
  id: string;
  definition: unknown;
  createdAt: IsoTimestamp;
  updatedAt: IsoTimestamp;
}

export interface StoredSample {
  sampleId: string;
  characteristicId: string;
  timestamp: IsoTimestamp;
  /** The plotted value: the individual value or the subgroup mean. */
  value: number;
  /** The subgroup range, or the moving range of an individuals chart (null for its first point). */
  range: number | null;
  subgroup: number[] | null;
  zone: SpcZone | null;
  inControl: boolean;
}

export type StoredViolation = ViolationRecord;

export type AcknowledgeViolationResult =
  | { status: 'acknowledged'; violation: StoredViolation }
  | { status: 'not_found' }
  | { status: 'already_acknowledged'; violation: StoredViolation };

export interface AqiHistoryQuery {
  location: string;
  from?: IsoTimestamp;
  to?: IsoTimestamp;
  /** 1–1000; the newest first. */
  limit: number;
}

export interface AqiLocation {
  location: string;
  latest: AqiUpdatePayload;
}
