import type { ErrorCode } from './codes';
import type { IsoTimestamp } from './payloads';

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

export interface SubscribeRequest {
  rooms: string[];
}

/** `ok` is true when every requested room was joined. */
export interface SubscribeResult {
  ok: boolean;
  /** Canonical names of the rooms joined (already-joined rooms count as joined). */
  joined: string[];
  rejected: RoomRejection[];
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

export type SubscribeAck = SubscribeResult | ErrorAck;
export type UnsubscribeAck = UnsubscribeResult | ErrorAck;
export type RefreshAck = RefreshResult | ErrorAck;
export type PingAck = PingResult | ErrorAck;
