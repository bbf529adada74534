import {
  ErrorCode,
  ROOM_EVENT_NAMES,
  roomKeyOfEvent,
  RoomcastError,
  unpackBatch,
  type HistoryRequest,
  type RoomEventName,
  type ServerPayload,
  type SubscribeAck,
  type SubscribeResult,
  type UnsubscribeAck,
} from '@roomcast/shared';
import { closedError, settle } from './errors';
import { resolveRoom, roomLabel } from './room-target';
import type { RoomcastSocket } from './socket';
import { RoomSubscription, type SubscriptionOwner } from './subscription';
import type { RoomTarget, SubscribeOptions, Subscription } from './types';

/**
 * The client's subscriptions, one per room: routes each room event to its room's
 * subscription, sends subscribe requests in batches, and subscribes again after a reconnect.
 */
export class SubscriptionRegistry implements SubscriptionOwner {
  private readonly rooms = new Map<string, RoomSubscription>();
  /**
   * Bumped on every connect and disconnect. An acknowledgement from an older session is
   * stale: the reconnect has already sent the room again (or the socket left it).
   */
  private session = 0;
  private flushQueued = false;
  private closed = false;

  constructor(
    private readonly socket: RoomcastSocket,
    private readonly isConnected: () => boolean,
    private readonly timeoutMs: number,
  ) {
    // Registered once, before any subscribe is sent: the snapshot the gateway emits before
    // its acknowledgement must find its listener.
    for (const event of ROOM_EVENT_NAMES) this.listen(event);
    socket.on('batch', (batch) =>
      unpackBatch(batch, ([event, payload]) => this.route(event, payload as ServerPayload<typeof event>)),
    );
  }

  subscribe(target: RoomTarget, options: SubscribeOptions = {}): Subscription {
    const parsed = resolveRoom(target);
    if (this.closed) return new RoomSubscription(roomLabel(target), this, { error: closedError() });
    if (!parsed.ok) {
      return new RoomSubscription(roomLabel(target), this, { error: new RoomcastError(parsed.code, parsed.message) });
    }
    const existing = this.rooms.get(parsed.room);
    if (existing !== undefined) return existing;
    const subscription = new RoomSubscription(parsed.room, this, { history: options.history });
    this.rooms.set(parsed.room, subscription);
    this.queueFlush();
    return subscription;
  }

  /** Called by `Subscription.unsubscribe()`. */
  remove(subscription: RoomSubscription): void {
    if (this.rooms.get(subscription.room) !== subscription) return;
    this.rooms.delete(subscription.room);
    // Only a room the gateway may have joined needs leaving. While disconnected Socket.IO
    // buffers the request and sends it before anything else on reconnect, which matters once
    // connection-state recovery restores rooms.
    if (!subscription.joined && subscription.sentIn === null) return;
    this.socket.emit('unsubscribe', { rooms: [subscription.room] }, (ack: UnsubscribeAck) => {
      // Nothing to do either way: NOT_SUBSCRIBED only means the gateway had already
      // forgotten the room (a reconnect without recovery), which is the state we want.
      void ack;
    });
  }

  onConnected(recovered: boolean): void {
    this.session += 1;
    for (const subscription of this.rooms.values()) {
      if (recovered && subscription.joined) {
        // Connection-state recovery restored this socket's rooms and replays what it missed:
        // subscribing again would only resend snapshots. Rooms never acknowledged (or asked
        // for while offline) are still sent below.
        subscription.markSubscribed();
        continue;
      }
      subscription.joined = false;
      subscription.sentIn = null;
      if (subscription.wanted) subscription.markSubscribing();
    }
    this.flush();
  }

  onDisconnected(): void {
    this.session += 1;
    for (const subscription of this.rooms.values()) {
      subscription.sentIn = null;
      if (subscription.state === 'subscribed') subscription.markSubscribing();
    }
  }

  onClosed(): void {
    this.closed = true;
    for (const subscription of this.rooms.values()) subscription.close();
    this.rooms.clear();
  }

  private listen<E extends RoomEventName>(event: E): void {
    // Socket.IO's typed `on` cannot relate a generic event name to its listener.
    const on = this.socket.on as (event: E, listener: (payload: ServerPayload<E>) => void) => RoomcastSocket;
    on.call(this.socket, event, (payload) => this.route(event, payload));
  }

  private route<E extends RoomEventName>(event: E, payload: ServerPayload<E>): void {
    // A payload whose id is not a valid room id names no room this client can hold.
    const room = roomKeyOfEvent(event, payload);
    if (room !== null) this.rooms.get(room)?.deliver(event, payload);
  }

  /** Subscriptions made in one task go out as one request. */
  private queueFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      this.flush();
    });
  }

  /**
   * Sends every subscription that waits for the gateway and has no request in flight in this
   * session: one request, plus one per distinct history still owed (a request carries one
   * history option). While disconnected nothing is sent; the next connect flushes.
   */
  private flush(): void {
    if (!this.isConnected() || this.closed) return;
    const groups = new Map<string, { history?: HistoryRequest; subscriptions: RoomSubscription[] }>();
    for (const subscription of this.rooms.values()) {
      if (subscription.state !== 'subscribing' || subscription.sentIn === this.session) continue;
      const history = subscription.historyOwed;
      const key = history === undefined ? '' : JSON.stringify(history);
      const group = groups.get(key) ?? { history, subscriptions: [] };
      group.subscriptions.push(subscription);
      groups.set(key, group);
    }
    for (const { history, subscriptions } of groups.values()) this.send(subscriptions, history);
  }

  private send(subscriptions: RoomSubscription[], history: HistoryRequest | undefined): void {
    const session = this.session;
    for (const subscription of subscriptions) subscription.sentIn = session;
    const request = { rooms: subscriptions.map((s) => s.room), ...(history !== undefined ? { history } : {}) };
    const pending: Promise<SubscribeAck> = this.socket.timeout(this.timeoutMs).emitWithAck('subscribe', request);
    settle(pending).then(
      (result) => {
        if (session === this.session) this.settle(subscriptions, result, history !== undefined);
      },
      (error: RoomcastError) => {
        if (session !== this.session) return;
        for (const subscription of subscriptions) if (this.isCurrent(subscription)) subscription.fail(error);
      },
    );
  }

  private settle(subscriptions: RoomSubscription[], result: SubscribeResult, askedHistory: boolean): void {
    for (const subscription of subscriptions) {
      if (!this.isCurrent(subscription)) continue;
      const rejection = result.rejected.find((r) => r.room === subscription.room);
      if (rejection !== undefined) {
        subscription.fail(new RoomcastError(rejection.code, rejection.message));
      } else if (result.joined.includes(subscription.room)) {
        subscription.markSubscribed(askedHistory ? (result.history?.[subscription.room] ?? []) : undefined);
      } else {
        subscription.fail(
          new RoomcastError(ErrorCode.INTERNAL, `the gateway's answer did not mention ${subscription.room}`),
        );
      }
    }
  }

  /** Still this room's subscription and still waiting for this answer (not unsubscribed meanwhile). */
  private isCurrent(subscription: RoomSubscription): boolean {
    return this.rooms.get(subscription.room) === subscription && subscription.state === 'subscribing';
  }
}
