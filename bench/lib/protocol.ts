import type { HistogramSnapshot } from '../measure/histogram';

/**
 * The IPC messages between the orchestrator and its child processes. Every child answers
 * a request with a message of the same `type`, and is asked one thing at a time, so a
 * reply needs no correlation id.
 */

/**
 * How a load client reaches the system under test. `roomcast-sdk`: the client SDK, which
 * asks the gateway for batches and unpacks them; `socketio`: plain socket.io-client, one
 * frame per event; `socketio-bare`: a bare `ws` that speaks just enough of Engine.IO and
 * Socket.IO to subscribe and read batches (a bench fixture, to tell the gateway's cost from
 * socket.io-client's).
 */
export type ClientKind = 'roomcast-sdk' | 'socketio' | 'socketio-bare' | 'ws' | 'mqtt-ws';

export interface ReadyMessage {
  type: 'ready';
  pid: number;
  /** The port clients connect to (HTTP / websocket), when the process serves one. */
  port?: number;
  /** The MQTT broker the process publishes to or subscribes at, when it has one. */
  mqttUrl?: string;
}

export interface FailedMessage {
  type: 'failed';
  message: string;
}

/** Sets the publish rate, spread round-robin over `devices` device ids; 0 stops. */
export interface RateMessage {
  type: 'rate';
  rate: number;
  devices: number;
}

/** Asks a message source how many it has sent; the reply carries the count and its own clock. */
export interface SentRequest {
  type: 'sent';
}

export interface SentReply {
  type: 'sent';
  sent: number;
  /** Monotonic ms when counted, so rates come from the child's own clock. */
  at: number;
  /** Ticks where the pacer fell behind its schedule by more than one tick's worth. */
  lagging: number;
}

export interface GcRequest {
  type: 'gc';
}

export interface GcReply {
  type: 'gc';
  ok: boolean;
  /** V8's heap after the collection: live objects, and the physical memory its spaces hold. */
  heap: { usedKb: number; physicalKb: number };
}

export interface CountersRequest {
  type: 'counters';
}

export interface CountersReply {
  type: 'counters';
  counters: Record<string, number>;
  /** Monotonic ms when read. */
  at: number;
}

/** Starts a CPU profile of the child (any bench node process: servers and load processes). */
export interface ProfileStartRequest {
  type: 'profile-start';
}

/** Stops the profile and writes it to `file` (a .cpuprofile, as Chrome DevTools reads). */
export interface ProfileStopRequest {
  type: 'profile-stop';
  file: string;
}

/** Writes a heap snapshot of the child after a full GC (node children started with --expose-gc). */
export interface HeapSnapshotRequest {
  type: 'heap-snapshot';
  file: string;
}

export interface HeapSnapshotReply {
  type: 'heap-snapshot';
  ok: boolean;
}

export interface ProfileReply {
  type: 'profile-start' | 'profile-stop';
  ok: boolean;
}

export interface CloseRequest {
  type: 'close';
}

export interface ConnectClientsRequest {
  type: 'connect';
  kind: ClientKind;
  url: string;
  /** JWT for roomcast; the other systems ignore it. */
  token: string | null;
  count: number;
  /** Global index of this process's first client, so rooms are spread across processes. */
  firstIndex: number;
  /** Client i watches devices (i·roomsPerClient + k) mod deviceCount, k < roomsPerClient. */
  roomsPerClient: number;
  deviceCount: number;
  /** Connections opened at once; the next batch starts when this one is in. */
  batch: number;
}

export interface ConnectClientsReply {
  type: 'connect';
  connected: number;
  failed: number;
  firstError: string | null;
  ms: number;
}

export interface SnapshotRequest {
  type: 'snapshot';
}

/** Everything since the previous snapshot. */
export interface SnapshotReply {
  type: 'snapshot';
  at: number;
  deliveries: number;
  latency: HistogramSnapshot;
  connected: number;
  disconnects: number;
  parseErrors: number;
}

export interface PublisherConnectRequest {
  type: 'connect';
  url: string;
}

export type ServerRequest =
  | GcRequest
  | CountersRequest
  | CloseRequest
  | RateMessage
  | SentRequest
  | ProfileStartRequest
  | ProfileStopRequest
  | HeapSnapshotRequest;
export type ServerReply =
  ReadyMessage | FailedMessage | GcReply | CountersReply | SentReply | ProfileReply | HeapSnapshotReply;
export type ClientsRequest = ConnectClientsRequest | SnapshotRequest | CloseRequest;
export type ClientsReply = ReadyMessage | ConnectClientsReply | SnapshotReply;
export type PublisherRequest = PublisherConnectRequest | RateMessage | SentRequest | CloseRequest;
export type PublisherReply = ReadyMessage | FailedMessage | SentReply;
export type AnyReply = ServerReply | ClientsReply | PublisherReply;
export type AnyRequest = ServerRequest | ClientsRequest | PublisherRequest;
