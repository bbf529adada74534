import type {
  HistoryEntry,
  HistoryRequest,
  IsoTimestamp,
  RoomEventName,
  RoomRef,
  RoomcastError,
  ServerToClientEvents,
} from '@roomcast/shared';

/**
 * `disconnected`: idle; the client will not connect on its own (before `connect()` with
 * `autoConnect: false`, or after a fixed token was refused). `connecting`: a connection
 * attempt is running or the next one is scheduled. `connected`: the gateway accepted the
 * handshake. `closed`: `disconnect()` was called; final.
 */
export type ClientState = 'disconnected' | 'connecting' | 'connected' | 'closed';

/**
 * `subscribing`: waiting for the gateway's acknowledgement (again after every reconnect).
 * `subscribed`: in the room. `error`: refused (see `subscription.error`). `unsubscribed`:
 * `unsubscribe()` was called or the client was closed; final.
 */
export type SubscriptionState = 'subscribing' | 'subscribed' | 'error' | 'unsubscribed';

/** Every `state` event carries the state left and the state entered. */
export interface StateChange<S> {
  oldState: S;
  newState: S;
}

export type Transport = 'websocket' | 'polling';

/** A room name such as `device:OTSM-0114`, or a typed reference such as `{ device: 'OTSM-0114' }`. */
export type RoomTarget = string | RoomRef;

/**
 * Either a fixed token, or a function asked for a token before every connection attempt
 * (so an expiring token can be renewed before the client reconnects).
 */
export type TokenOptions =
  { token: string; getToken?: never } | { getToken: () => string | Promise<string>; token?: never };

export interface ReconnectOptions {
  /**
   * Upper bound of the first reconnect delay, ms; each further attempt doubles it.
   * @default 500
   */
  minDelayMs?: number;
  /**
   * The largest upper bound of a reconnect delay, ms.
   * @default 20000
   */
  maxDelayMs?: number;
}

export type ClientOptions = { url: string } & TokenOptions & {
    reconnect?: ReconnectOptions;
    /**
     * Transports in the order they are tried.
     * @default ['websocket', 'polling']
     */
    transports?: Transport[];
    /**
     * Connect as soon as the client is created; otherwise call `connect()`.
     * @default true
     */
    autoConnect?: boolean;
    /**
     * How long a request (subscribe, refresh, acknowledgements, ping) waits for the gateway's
     * answer before it fails with `UNAVAILABLE`, ms.
     * @default 10000
     */
    requestTimeoutMs?: number;
  };

export interface ClientEvents {
  state: (change: StateChange<ClientState>) => void;
  /** `recovered` is true when Socket.IO restored the previous session (rooms and missed events). */
  connected: (info: { recovered: boolean }) => void;
  /** The connection was lost; `reason` is Socket.IO's (`transport close`, `io server disconnect`, …). */
  disconnected: (info: { reason: string }) => void;
  /** A connection attempt failed; the client retries unless its fixed token was refused. */
  error: (error: RoomcastError) => void;
}

type RoomEventHandlers = { [E in RoomEventName]: ServerToClientEvents[E] };

export interface SubscriptionEvents extends RoomEventHandlers {
  state: (change: StateChange<SubscriptionState>) => void;
  /** The room's recent events, oldest first, once, when the subscription asked for history. */
  history: (entries: HistoryEntry[]) => void;
}

export interface SubscribeOptions {
  /** Recent telemetry of a device or sensor room, delivered once as a `history` event. */
  history?: HistoryRequest;
}

export interface Subscription {
  /** The canonical room name (`location:delhi`), or the name as given when it is invalid. */
  readonly room: string;
  readonly state: SubscriptionState;
  /** Why the subscription is in `error`; null otherwise. */
  readonly error: RoomcastError | null;
  /** Resolves once subscribed; rejects when the subscription ends in `error` or `unsubscribed`. */
  ready(): Promise<void>;
  /** Adds a handler; returns the function that removes it. */
  on<K extends keyof SubscriptionEvents>(event: K, handler: SubscriptionEvents[K]): () => void;
  /** Leaves the room and stops delivering events; final. */
  unsubscribe(): void;
}

export interface RefreshOutcome {
  room: string;
  /** How many latest events the gateway sent again (0 when the room has none yet). */
  emitted: number;
}

export interface PingOutcome {
  /** The gateway's clock when it answered. */
  timestamp: IsoTimestamp;
  roundTripMs: number;
}
