export { createClient } from './client';
export type { RoomcastClient } from './client';
export type {
  ClientEvents,
  ClientOptions,
  ClientState,
  PingOutcome,
  ReconnectOptions,
  RefreshOutcome,
  RoomTarget,
  StateChange,
  SubscribeOptions,
  Subscription,
  SubscriptionEvents,
  SubscriptionState,
  TokenOptions,
  Transport,
} from './types';
export type { KindOfTarget } from './room-target';
export type { RoomView, SeenViolation } from './room-view';
// The contract's error type and codes, so callers can test `error.code` without a second import.
export { ErrorCode, RoomcastError } from '@roomcast/shared';
export type {
  Alert,
  HistoryEntry,
  HistoryRequest,
  RoomEventName,
  RoomKind,
  RoomRef,
  ServerPayload,
  ViolationRecord,
} from '@roomcast/shared';
