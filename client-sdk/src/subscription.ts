import {
  ErrorCode,
  RoomcastError,
  type HistoryEntry,
  type HistoryRequest,
  type RoomEventName,
  type ServerPayload,
} from '@roomcast/shared';
import { Emitter } from './emitter';
import { ReadyWaiters } from './ready-waiters';
import type { Subscription, SubscriptionEvents, SubscriptionState } from './types';

/** Codes worth another try on the next connection; the rest (FORBIDDEN, INVALID_ROOM…) would fail again. */
const TRANSIENT: ReadonlySet<string> = new Set([ErrorCode.RATE_LIMITED, ErrorCode.UNAVAILABLE, ErrorCode.INTERNAL]);

/** What a subscription needs from whoever owns it: a way to leave its room. */
export interface SubscriptionOwner {
  remove(subscription: RoomSubscription): void;
}

/**
 * One room's subscription. Its state changes only through `setState`; the registry drives
 * it with the named transitions below, each of which states the invariant it keeps.
 */
export class RoomSubscription implements Subscription {
  private current: SubscriptionState;
  private failure: RoomcastError | null;
  private readonly events = new Emitter<SubscriptionEvents>();
  private readonly waiters = new ReadyWaiters();

  /** The gateway has this socket in the room (set by an ack, cleared by a session it did not survive). */
  joined = false;
  /** The session in which a subscribe request for this room was last sent; null when none is in flight. */
  sentIn: number | null = null;
  /** History asked for and not yet delivered: sent with the next subscribe request. */
  historyOwed: HistoryRequest | undefined;

  constructor(
    readonly room: string,
    private readonly owner: SubscriptionOwner,
    options: { history?: HistoryRequest; error?: RoomcastError } = {},
  ) {
    this.historyOwed = options.history;
    this.failure = options.error ?? null;
    this.current = options.error === undefined ? 'subscribing' : 'error';
  }

  get state(): SubscriptionState {
    return this.current;
  }

  get error(): RoomcastError | null {
    return this.failure;
  }

  ready(): Promise<void> {
    switch (this.current) {
      case 'subscribed':
        return Promise.resolve();
      case 'error':
        return Promise.reject(this.failure as RoomcastError);
      case 'unsubscribed':
        return Promise.reject(unsubscribedError(this.room));
      default:
        return this.waiters.wait();
    }
  }

  on<K extends keyof SubscriptionEvents>(event: K, handler: SubscriptionEvents[K]): () => void {
    return this.events.on(event, handler);
  }

  unsubscribe(): void {
    if (this.current === 'unsubscribed') return;
    this.owner.remove(this);
    this.setState('unsubscribed');
    this.events.clear();
  }

  /** Whether the next connection should (re)send this subscription. */
  get wanted(): boolean {
    if (this.current === 'subscribing' || this.current === 'subscribed') return true;
    return this.current === 'error' && this.failure !== null && TRANSIENT.has(this.failure.code);
  }

  /**
   * Events reach listeners while subscribing too: the gateway sends a room's latest events
   * (its snapshot) before it acknowledges the subscribe.
   */
  deliver<E extends RoomEventName>(event: E, payload: ServerPayload<E>): void {
    if (this.current !== 'subscribing' && this.current !== 'subscribed') return;
    // The emitter cannot relate a generic event name to its handler's parameters.
    (this.events.emit as (event: E, payload: ServerPayload<E>) => void).call(this.events, event, payload);
  }

  /** The connection was lost, or is being (re)established without the room. */
  markSubscribing(): void {
    this.setState('subscribing');
  }

  /** The gateway acknowledged the room; history, when it was owed, is delivered before `subscribed`. */
  markSubscribed(history?: HistoryEntry[]): void {
    this.joined = true;
    this.sentIn = null;
    if (history !== undefined) {
      this.historyOwed = undefined;
      this.events.emit('history', history);
    }
    this.setState('subscribed');
  }

  fail(error: RoomcastError): void {
    this.joined = false;
    this.sentIn = null;
    this.failure = error;
    this.setState('error');
  }

  /** The client was closed: final, like `unsubscribe()`, without telling the gateway (the socket is gone). */
  close(): void {
    this.setState('unsubscribed');
    this.events.clear();
  }

  private setState(next: SubscriptionState): void {
    const oldState = this.current;
    if (oldState === next || oldState === 'unsubscribed') return;
    this.current = next;
    if (next !== 'error') this.failure = null;
    if (next === 'subscribed') this.waiters.resolve();
    else if (next === 'error') this.waiters.reject(this.failure as RoomcastError);
    else if (next === 'unsubscribed') this.waiters.reject(unsubscribedError(this.room));
    this.events.emit('state', { oldState, newState: next });
  }
}

function unsubscribedError(room: string): RoomcastError {
  return new RoomcastError(ErrorCode.NOT_SUBSCRIBED, `the subscription to ${room} was ended by unsubscribe()`);
}
