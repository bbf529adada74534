import { ErrorCode, RoomcastError } from '@roomcast/shared';
import { Emitter } from './emitter';
import { closedError, connectError, idleError } from './errors';
import type { ResolvedOptions } from './options';
import { ReadyWaiters } from './ready-waiters';
import { ReconnectScheduler } from './reconnect';
import { createSocket, type RoomcastSocket } from './socket';
import type { ClientEvents, ClientState } from './types';

/** What the connection tells the subscriptions. */
export interface ConnectionListener {
  onConnected(recovered: boolean): void;
  onDisconnected(): void;
  onClosed(): void;
}

/**
 * The client's connection: its state machine, handshakes (asking for the token each time),
 * and reconnects. Socket.IO's own reconnection is off; every attempt goes through
 * `attempt()` and every wait through the scheduler.
 */
export class Connection {
  readonly socket: RoomcastSocket;
  readonly events = new Emitter<ClientEvents>();
  private current: ClientState = 'disconnected';
  private readonly waiters = new ReadyWaiters();
  private readonly reconnects: ReconnectScheduler;
  /** Identifies the running attempt, so a token that arrives after it was abandoned is not sent. */
  private attemptId = 0;
  /** Why the client stopped on its own (a refused fixed token); what `ready()` rejects with then. */
  private stopReason: RoomcastError | null = null;
  private listener: ConnectionListener | null = null;

  constructor(private readonly options: ResolvedOptions) {
    this.reconnects = new ReconnectScheduler({ minDelayMs: options.minDelayMs, maxDelayMs: options.maxDelayMs });
    this.socket = createSocket(options.url, options.transports, (send) => this.authenticate(send));
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('connect_error', (error) => this.onConnectError(connectError(error)));
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
  }

  get state(): ClientState {
    return this.current;
  }

  /** Set once, by the client, before the first connect. */
  attach(listener: ConnectionListener): void {
    this.listener = listener;
  }

  connect(): void {
    if (this.current === 'closed') {
      throw new RoomcastError(ErrorCode.UNAVAILABLE, 'the client was closed by disconnect(); create a new client');
    }
    if (this.current !== 'disconnected') return;
    this.stopReason = null;
    this.setState('connecting');
    this.attempt();
  }

  disconnect(): void {
    if (this.current === 'closed') return;
    this.reconnects.cancel();
    this.attemptId += 1;
    this.setState('closed');
    this.socket.disconnect();
    this.listener?.onClosed();
  }

  ready(): Promise<void> {
    switch (this.current) {
      case 'connected':
        return Promise.resolve();
      case 'closed':
        return Promise.reject(closedError());
      case 'disconnected':
        return Promise.reject(this.stopReason ?? idleError());
      default:
        return this.waiters.wait();
    }
  }

  private attempt(): void {
    this.attemptId += 1;
    this.socket.connect();
  }

  /** Socket.IO's `auth` callback: runs before every handshake, so a fresh token is used each time. */
  private authenticate(send: (auth: { token: string }) => void): void {
    const attempt = this.attemptId;
    let token: string | Promise<string>;
    try {
      token = this.options.token();
    } catch (error) {
      this.onTokenFailure(attempt, error);
      return;
    }
    if (typeof token === 'string') {
      send({ token });
      return;
    }
    token.then(
      (value) => {
        if (attempt === this.attemptId && this.current === 'connecting') send({ token: value });
      },
      (error: unknown) => this.onTokenFailure(attempt, error),
    );
  }

  private onTokenFailure(attempt: number, error: unknown): void {
    if (attempt !== this.attemptId || this.current !== 'connecting') return;
    // The transport is open but no handshake will follow: close it and retry later.
    this.socket.disconnect();
    this.onConnectError(
      error instanceof RoomcastError
        ? error
        : new RoomcastError(ErrorCode.UNAUTHORIZED, 'getToken() failed', { cause: error }),
    );
  }

  private onConnect(): void {
    this.reconnects.reset();
    // Socket.IO leaves `recovered` undefined (not false) when the server does no recovery.
    const recovered = this.socket.recovered === true;
    this.setState('connected');
    this.events.emit('connected', { recovered });
    this.listener?.onConnected(recovered);
  }

  private onConnectError(error: RoomcastError): void {
    if (this.current !== 'connecting') return;
    this.events.emit('error', error);
    if (error.code === ErrorCode.UNAUTHORIZED && this.options.fixedToken) {
      // The same token would be refused again: stop rather than hammer the gateway.
      this.stopReason = error;
      this.setState('disconnected');
      return;
    }
    this.scheduleReconnect();
  }

  private onDisconnect(reason: string): void {
    // `io client disconnect` is our own disconnect(), already handled there; a stopped client
    // stays stopped. Every other reason reconnects: `io server disconnect` (the gateway dropped
    // this socket) as well as the `transport close` a gateway shutting down causes, so clients
    // move to another instance.
    if (this.current === 'closed' || this.current === 'disconnected') return;
    // Socket.IO also reports a transport closed during the handshake (never connected):
    // that is only a failed attempt.
    if (this.current === 'connected') {
      this.setState('connecting');
      this.events.emit('disconnected', { reason });
      this.listener?.onDisconnected();
    }
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnects.schedule(() => {
      if (this.current === 'connecting') this.attempt();
    });
  }

  /** The only place the client's state changes. */
  private setState(next: ClientState): void {
    const oldState = this.current;
    if (oldState === next) return;
    this.current = next;
    if (next === 'connected') this.waiters.resolve();
    else if (next === 'closed') this.waiters.reject(closedError());
    else if (next === 'disconnected') this.waiters.reject(this.stopReason ?? idleError());
    this.events.emit('state', { oldState, newState: next });
  }
}
