export { ErrorCode, isErrorCode } from './codes';
export { RoomcastError } from './errors';
export type { ErrorBody } from './errors';
export {
  ROOM_KINDS,
  ID_PATTERN,
  ID_RULE,
  isValidId,
  normaliseLocation,
  parseRoom,
  deviceRoom,
  sensorRoom,
  locationRoom,
  characteristicRoom,
  roomOf,
} from './rooms';
export type { RoomKind, RoomName, RoomRef, ParsedRoom } from './rooms';
export type {
  ServerToClientEvents,
  ClientToServerEvents,
  InterServerEvents,
  SocketData,
  AuthUser,
  Role,
  ServerEventName,
  ClientEventName,
  ServerPayload,
  RoomEventName,
} from './events';
export { POLLUTANTS, AQI_CATEGORIES } from './payloads';
export type {
  IsoTimestamp,
  MetricValue,
  ConnectionStatusPayload,
  DeviceDataPayload,
  DeviceStatusPayload,
  AlertSeverity,
  AlertState,
  Comparison,
  Alert,
  DeviceAlertsPayload,
  SensorReadingPayload,
  Pollutant,
  AqiCategory,
  PollutantIndex,
  AqiUpdatePayload,
  SpcZone,
  SamplePayload,
  ViolationSeverity,
  ViolationPayload,
  AckUpdatePayload,
  PongPayload,
  ViolationRecord,
} from './payloads';
export type {
  ErrorAck,
  RoomRejection,
  SubscribeRequest,
  SubscribeResult,
  SubscribeAck,
  UnsubscribeRequest,
  UnsubscribeResult,
  UnsubscribeAck,
  RefreshRequest,
  RefreshResult,
  RefreshAck,
  PingResult,
  PingAck,
  HistoryRequest,
  HistoryEntry,
  AcknowledgeAlertRequest,
  AcknowledgeAlertResult,
  AcknowledgeAlertAck,
  AcknowledgeViolationRequest,
  AcknowledgeViolationResult,
  AcknowledgeViolationAck,
} from './requests';
export {
  ROLES,
  SERVER_EVENT_FIELDS,
  CLIENT_EVENT_FIELDS,
  ALERT_FIELDS,
  SERVER_EVENT_NAMES,
  CLIENT_EVENT_NAMES,
} from './event-names';
export { DEVICE_TOPICS } from './device-payloads';
export type {
  DeviceTimestamp,
  SoilSensorMessage,
  TelemetryMessage,
  StatusMessage,
  SubTronicsMessage,
  SpcSampleMessage,
  AqiReadingMessage,
} from './device-payloads';
export { backoffDelay, retryDelay, type RetryWindow } from './backoff';
export type { BackoffOptions } from './backoff';
export { roomKeyOfEvent, roomOfEvent, ROOM_EVENT_NAMES } from './event-rooms';
export { BATCH_AUTH_FIELD, unpackBatch } from './batch';
export type { BatchedEvent, BatchPayload } from './batch';
