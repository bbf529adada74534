import type {
  AcknowledgeAlertRequest,
  AcknowledgeViolationRequest,
  Alert,
  RoomcastError,
  ViolationRecord,
} from '@roomcast/shared';
import { Connection } from './connection';
import { closedError, idleError } from './errors';
import { resolveOptions } from './options';
import { Requests } from './requests';
import { SubscriptionRegistry } from './subscription-registry';
import type {
  ClientEvents,
  ClientOptions,
  ClientState,
  PingOutcome,
  RefreshOutcome,
  RoomTarget,
  SubscribeOptions,
  Subscription,
} from './types';

export interface RoomcastClient {
  readonly state: ClientState;
  /** Resolves once connected; rejects if the client stops (a refused fixed token) or is closed. */
  ready(): Promise<void>;
  /** Starts connecting (only needed with `autoConnect: false`, or after a refused fixed token). */
  connect(): void;
  /** Closes the connection for good: state `closed`, every subscription `unsubscribed`. */
  disconnect(): void;
  /** Adds a handler; returns the function that removes it. */
  on<K extends keyof ClientEvents>(event: K, handler: ClientEvents[K]): () => void;
  /**
   * The room's subscription, created on first use (the same object for the same room).
   * Never throws: an invalid room yields a subscription in `error` with code INVALID_ROOM.
   */
  subscribe(target: RoomTarget, options?: SubscribeOptions): Subscription;
  /** Asks the gateway to send the room's latest events again (the room must be subscribed). */
  refresh(target: RoomTarget): Promise<RefreshOutcome>;
  /** Operators: acknowledges an alert; resolves with the updated alert. */
  acknowledgeAlert(request: AcknowledgeAlertRequest): Promise<Alert>;
  /** Operators: acknowledges an SPC violation; resolves with the updated record. */
  acknowledgeViolation(request: AcknowledgeViolationRequest): Promise<ViolationRecord>;
  ping(): Promise<PingOutcome>;
}

/**
 * The client is a thin composition: the connection (state, handshakes, reconnects), the
 * subscriptions (rooms, routing, resubscribing) and the request calls each live on their own.
 */
class Client implements RoomcastClient {
  private readonly connection: Connection;
  private readonly subscriptions: SubscriptionRegistry;
  private readonly requests: Requests;

  constructor(options: ClientOptions) {
    const resolved = resolveOptions(options);
    this.connection = new Connection(resolved);
    const { socket } = this.connection;
    this.subscriptions = new SubscriptionRegistry(
      socket,
      () => this.connection.state === 'connected',
      resolved.requestTimeoutMs,
    );
    this.connection.attach(this.subscriptions);
    this.requests = new Requests(socket, resolved.requestTimeoutMs);
    if (resolved.autoConnect) this.connection.connect();
  }

  get state(): ClientState {
    return this.connection.state;
  }

  ready(): Promise<void> {
    return this.connection.ready();
  }

  connect(): void {
    this.connection.connect();
  }

  disconnect(): void {
    this.connection.disconnect();
  }

  on<K extends keyof ClientEvents>(event: K, handler: ClientEvents[K]): () => void {
    return this.connection.events.on(event, handler);
  }

  subscribe(target: RoomTarget, options?: SubscribeOptions): Subscription {
    return this.subscriptions.subscribe(target, options);
  }

  refresh(target: RoomTarget): Promise<RefreshOutcome> {
    return this.whenUsable(() => this.requests.refresh(target));
  }

  acknowledgeAlert(request: AcknowledgeAlertRequest): Promise<Alert> {
    return this.whenUsable(() => this.requests.acknowledgeAlert(request));
  }

  acknowledgeViolation(request: AcknowledgeViolationRequest): Promise<ViolationRecord> {
    return this.whenUsable(() => this.requests.acknowledgeViolation(request));
  }

  ping(): Promise<PingOutcome> {
    return this.whenUsable(() => this.requests.ping());
  }

  /** A request to a client that is not even trying to connect fails now instead of after its timeout. */
  private whenUsable<T>(send: () => Promise<T>): Promise<T> {
    const state = this.connection.state;
    if (state === 'closed' || state === 'disconnected') {
      const error: RoomcastError = state === 'closed' ? closedError() : idleError();
      return Promise.reject(error);
    }
    return send();
  }
}

/** Creates a client; it connects right away unless `autoConnect` is false. */
export function createClient(options: ClientOptions): RoomcastClient {
  return new Client(options);
}
