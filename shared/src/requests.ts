import type { ErrorCode } from './codes';
import type { Alert, DeviceDataPayload, IsoTimestamp, SensorReadingPayload, ViolationRecord } from './payloads';

/** What a client sends, and what the server acknowledges. */

export interface ErrorAck {
  ok: false;
  code: ErrorCode;
  message: string;
}

export interface RoomRejection {
  room: string;
  code: ErrorCode;
  message: string;
}

/** Recent points of each room, for a chart that opens late: the newest `limit`, or all since a time. */
export type HistoryRequest = { limit: number } | { since: IsoTimestamp };

export interface SubscribeRequest {
  rooms: string[];
  history?: HistoryRequest;
}

/** One past event of a room, oldest first in a room's history. */
export type HistoryEntry =
  { event: 'device:data'; payload: DeviceDataPayload } | { event: 'sensor_reading'; payload: SensorReadingPayload };

/** `ok` is true when every requested room was joined. */
export interface SubscribeResult {
  ok: boolean;
  /** Canonical names of the rooms joined (already-joined rooms count as joined). */
  joined: string[];
  rejected: RoomRejection[];
  /** Present when history was asked for: each joined room's recent events, oldest first. */
  history?: Record<string, HistoryEntry[]>;
}

export interface UnsubscribeRequest {
  rooms: string[];
}

export interface UnsubscribeResult {
  ok: boolean;
  left: string[];
  rejected: RoomRejection[];
}

export interface RefreshRequest {
  room: string;
}

export interface RefreshResult {
  ok: true;
  room: string;
  /** How many latest events were re-emitted (0 when the room has none yet). */
  emitted: number;
}

export interface PingResult {
  ok: true;
  timestamp: IsoTimestamp;
}

export interface AcknowledgeAlertRequest {
  alertId: string;
  /** Why the operator acknowledges it; 1–500 characters. */
  reason: string;
}

export interface AcknowledgeAlertResult {
  ok: true;
  alert: Alert;
}

export interface AcknowledgeViolationRequest {
  violationId: string;
  /** Why the operator acknowledges it; 1–500 characters. */
  reason: string;
}

export interface AcknowledgeViolationResult {
  ok: true;
  violation: ViolationRecord;
}

export type SubscribeAck = SubscribeResult | ErrorAck;
export type AcknowledgeViolationAck = AcknowledgeViolationResult | ErrorAck;
export type AcknowledgeAlertAck = AcknowledgeAlertResult | ErrorAck;
export type UnsubscribeAck = UnsubscribeResult | ErrorAck;
export type RefreshAck = RefreshResult | ErrorAck;
export type PingAck = PingResult | ErrorAck;
