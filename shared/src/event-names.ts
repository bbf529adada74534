import type { ClientEventName, Role, ServerEventName } from './events';
import type * as B from './batch';
import type * as P from './payloads';
import type * as R from './requests';

/**
 * Runtime lists of the contract's names and fields. The compiler checks each
 * list against the types: a missing or extra key fails to build, so documents
 * and tests that read these lists stay in step with the types.
 */

function keysOf<T>(keys: Record<keyof T, true>): (keyof T & string)[] {
  return Object.keys(keys) as (keyof T & string)[];
}

export const ROLES = keysOf<Record<Role, true>>({ viewer: true, operator: true, admin: true });

export const SERVER_EVENT_FIELDS = {
  connection_status: keysOf<P.ConnectionStatusPayload>({
    status: true,
    clientId: true,
    activeClients: true,
    serverTime: true,
  }),
  'device:data': keysOf<P.DeviceDataPayload>({ deviceId: true, data: true, timestamp: true }),
  'device:status': keysOf<P.DeviceStatusPayload>({ deviceId: true, online: true, timestamp: true }),
  'device:alerts': keysOf<P.DeviceAlertsPayload>({ deviceId: true, alerts: true }),
  sensor_reading: keysOf<P.SensorReadingPayload>({
    sensorId: true,
    moisture: true,
    temperature: true,
    humidity: true,
    light: true,
    timestamp: true,
  }),
  aqi_update: keysOf<P.AqiUpdatePayload>({ location: true, aqi: true, pollutants: true, timestamp: true }),
  sample: keysOf<P.SamplePayload>({
    sampleId: true,
    characteristicId: true,
    timestamp: true,
    value: true,
    zone: true,
    inControl: true,
  }),
  violation: keysOf<P.ViolationPayload>({
    violationId: true,
    characteristicId: true,
    sampleId: true,
    ruleId: true,
    ruleName: true,
    severity: true,
  }),
  ack_update: keysOf<P.AckUpdatePayload>({
    kind: true,
    id: true,
    deviceId: true,
    characteristicId: true,
    acknowledged: true,
    ackUser: true,
    ackReason: true,
    ackAt: true,
  }),
  pong: keysOf<P.PongPayload>({ timestamp: true }),
  batch: keysOf<B.BatchPayload>({ events: true }),
} satisfies Record<ServerEventName, string[]>;

export const ALERT_FIELDS = keysOf<P.Alert>({
  alertId: true,
  deviceId: true,
  ruleId: true,
  metric: true,
  severity: true,
  state: true,
  comparison: true,
  threshold: true,
  value: true,
  message: true,
  raisedAt: true,
  updatedAt: true,
  clearedAt: true,
  acknowledged: true,
  ackUser: true,
  ackReason: true,
  ackAt: true,
});

/** The request fields of each client event (`null` where the argument is a bare string or absent). */
export const CLIENT_EVENT_FIELDS = {
  subscribe: keysOf<R.SubscribeRequest>({ rooms: true, history: true }),
  unsubscribe: keysOf<R.UnsubscribeRequest>({ rooms: true }),
  'subscribe:device': null,
  'unsubscribe:device': null,
  refresh: keysOf<R.RefreshRequest>({ room: true }),
  ping: null,
  'alert:acknowledge': keysOf<R.AcknowledgeAlertRequest>({ alertId: true, reason: true }),
  'violation:acknowledge': keysOf<R.AcknowledgeViolationRequest>({ violationId: true, reason: true }),
} satisfies Record<ClientEventName, string[] | null>;

export const SERVER_EVENT_NAMES = Object.keys(SERVER_EVENT_FIELDS) as ServerEventName[];
export const CLIENT_EVENT_NAMES = Object.keys(CLIENT_EVENT_FIELDS) as ClientEventName[];
