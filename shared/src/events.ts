import type {
  AckUpdatePayload,
  AqiUpdatePayload,
  ConnectionStatusPayload,
  DeviceAlertsPayload,
  DeviceDataPayload,
  DeviceStatusPayload,
  PongPayload,
  SamplePayload,
  SensorReadingPayload,
  ViolationPayload,
} from './payloads';
import type { BatchPayload } from './batch';
import type {
  AcknowledgeAlertAck,
  AcknowledgeAlertRequest,
  AcknowledgeViolationAck,
  AcknowledgeViolationRequest,
  PingAck,
  RefreshAck,
  RefreshRequest,
  SubscribeAck,
  SubscribeRequest,
  UnsubscribeAck,
  UnsubscribeRequest,
} from './requests';

/**
 * The four event maps Socket.IO's TypeScript support takes. The server is
 * `Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>`
 * and a client is `Socket<ServerToClientEvents, ClientToServerEvents>`.
 */

export interface ServerToClientEvents {
  connection_status: (payload: ConnectionStatusPayload) => void;
  'device:data': (payload: DeviceDataPayload) => void;
  'device:status': (payload: DeviceStatusPayload) => void;
  'device:alerts': (payload: DeviceAlertsPayload) => void;
  sensor_reading: (payload: SensorReadingPayload) => void;
  aqi_update: (payload: AqiUpdatePayload) => void;
  sample: (payload: SamplePayload) => void;
  violation: (payload: ViolationPayload) => void;
  ack_update: (payload: AckUpdatePayload) => void;
  pong: (payload: PongPayload) => void;
  /** Room events due to a connection that opted in to batching, in one frame (see batch.ts). */
  batch: (payload: BatchPayload) => void;
}

/** Every client event carries an acknowledgement callback as its last argument. */
export interface ClientToServerEvents {
  subscribe: (request: SubscribeRequest, ack: (result: SubscribeAck) => void) => void;
  unsubscribe: (request: UnsubscribeRequest, ack: (result: UnsubscribeAck) => void) => void;
  /** Alias of `subscribe { rooms: ['device:<id>'] }`, kept for existing frontends. */
  'subscribe:device': (deviceId: string, ack: (result: SubscribeAck) => void) => void;
  /** Alias of `unsubscribe { rooms: ['device:<id>'] }`, kept for existing frontends. */
  'unsubscribe:device': (deviceId: string, ack: (result: UnsubscribeAck) => void) => void;
  refresh: (request: RefreshRequest, ack: (result: RefreshAck) => void) => void;
  ping: (ack: (result: PingAck) => void) => void;
  /** Operators only: acknowledges an alert of a device room the token allows. */
  'alert:acknowledge': (request: AcknowledgeAlertRequest, ack: (result: AcknowledgeAlertAck) => void) => void;
  /** Operators only: acknowledges an SPC violation of a characteristic room the token allows. */
  'violation:acknowledge': (
    request: AcknowledgeViolationRequest,
    ack: (result: AcknowledgeViolationAck) => void,
  ) => void;
}

/** Events between gateway instances; none yet; the multi-instance work adds them. */
export type InterServerEvents = Record<never, never>;

export type Role = 'viewer' | 'operator' | 'admin';

/** Who a connection belongs to, from its verified token. */
export interface AuthUser {
  sub: string;
  role: Role;
  /** Allowed room patterns such as `device:*`; `null` means every room. */
  rooms: string[] | null;
}

export interface SocketData {
  user: AuthUser;
  /** The connection asked for room events in batches. */
  batch: boolean;
}

export type ServerEventName = keyof ServerToClientEvents;
export type ClientEventName = keyof ClientToServerEvents;

/** The payload type of a server event. */
export type ServerPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];

/** The events the gateway broadcasts into rooms (the rest go to one socket). */
export type RoomEventName = Exclude<ServerEventName, 'connection_status' | 'pong' | 'batch'>;
