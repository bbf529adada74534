import { deviceRoom, ErrorCode, parseRoom, RoomcastError, isValidId, ID_RULE } from '@roomcast/shared';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { Logger } from '../logging/logger';
import type { ClientEventName, SubscribeResult } from '@roomcast/shared';
import type { AlertService } from '../alerts/alert-service';
import type { SpcService } from '../spc/spc-service';
import { canAccessRoom, requireRole } from '../auth/room-access';
import type { Store } from '../store/store';
import { roomHistory } from './room-history';
import {
  acknowledgeAlertSchema,
  acknowledgeViolationSchema,
  deviceIdSchema,
  refreshSchema,
  subscribeSchema,
  unsubscribeSchema,
  validate,
} from './inbound-schemas';
import { respond } from './respond';
import { subscribeRooms, unsubscribeRooms, type SubscriptionLimits } from './subscription-handlers';
import { TokenBucket } from './token-bucket';
import type { GatewayServer, GatewaySocket } from './types';

export interface ConnectionDeps {
  io: GatewayServer;
  broadcaster: Broadcaster;
  logger: Logger;
  /** Where history on subscribe comes from; null when the gateway runs without a store. */
  store: Store | null;
  alerts: AlertService | null;
  spc: SpcService | null;
  limits: SubscriptionLimits & { rateLimitPerSecond: number; rateLimitBurst: number };
}

function deviceRoomOf(deviceId: unknown): string {
  const id = validate(deviceIdSchema, deviceId, 'deviceId');
  if (!isValidId(id)) throw new RoomcastError(ErrorCode.INVALID_ROOM, `deviceId must be ${ID_RULE}`);
  return deviceRoom(id);
}

/** A client event's listener; Socket.IO calls it with `this` bound to the socket. */
type ClientListener = (this: GatewaySocket, ...args: never[]) => void;

/** What a new connection runs: greets it and registers the catch-all that gives it its event listeners. */
export type ConnectionHandler = (socket: GatewaySocket) => void;

/**
 * Builds the listeners of the client events once per gateway. Socket.IO calls a listener
 * with `this` bound to its socket (as Node's EventEmitter does), so every connection shares
 * the same eight functions: an idle connection carries no closures of its own, and its rate
 * limiter only exists once it has sent an event. One listener per event rather than one
 * catch-all that handles them, so middlewares added with `socket.use` still run before them.
 *
 * A connection is given an event's listener when it first sends that event, by a catch-all
 * (`onAny`, which Socket.IO runs before the middlewares and the listeners). A
 * dashboard sends one or two kinds of event, and each listener a socket holds is an entry in
 * its emitter's table, which V8 keeps as a hash table sized for the most entries it ever had,
 * so an idle connection's table stays small.
 */
export function createConnectionHandler(deps: ConnectionDeps): ConnectionHandler {
  const { broadcaster, limits, logger } = deps;
  const limiters = new WeakMap<GatewaySocket, TokenBucket>();

  /**
   * A bucket made at the first event is full then, as one made at connection time would be:
   * the burst caps what an idle bucket refills to.
   */
  function limiterOf(socket: GatewaySocket): TokenBucket {
    let limiter = limiters.get(socket);
    if (limiter === undefined) {
      limiter = new TokenBucket(limits.rateLimitPerSecond, limits.rateLimitBurst);
      limiters.set(socket, limiter);
    }
    return limiter;
  }

  function run<R>(socket: GatewaySocket, event: string, ack: unknown, handler: () => R | Promise<R>): void {
    respond({ limiter: limiterOf(socket), logger, socketId: socket.id }, event, ack, handler);
  }

  function onSubscribe(this: GatewaySocket, request: unknown, ack: unknown): void {
    run(this, 'subscribe', ack, async (): Promise<SubscribeResult> => {
      const { rooms, history } = validate(subscribeSchema, request, 'subscribe request');
      const result = subscribeRooms(this, rooms, broadcaster, limits);
      if (history === undefined) return result;
      if (deps.store === null) throw new RoomcastError(ErrorCode.UNAVAILABLE, 'this gateway keeps no history');
      return { ...result, history: await roomHistory(deps.store, result.joined, history) };
    });
  }

  function onUnsubscribe(this: GatewaySocket, request: unknown, ack: unknown): void {
    run(this, 'unsubscribe', ack, () => {
      const { rooms } = validate(unsubscribeSchema, request, 'unsubscribe request');
      return unsubscribeRooms(this, rooms, broadcaster);
    });
  }

  function onSubscribeDevice(this: GatewaySocket, deviceId: unknown, ack: unknown): void {
    run(this, 'subscribe:device', ack, () => subscribeRooms(this, [deviceRoomOf(deviceId)], broadcaster, limits));
  }

  function onUnsubscribeDevice(this: GatewaySocket, deviceId: unknown, ack: unknown): void {
    run(this, 'unsubscribe:device', ack, () => unsubscribeRooms(this, [deviceRoomOf(deviceId)], broadcaster));
  }

  function onRefresh(this: GatewaySocket, request: unknown, ack: unknown): void {
    run(this, 'refresh', ack, () => {
      const { room: name } = validate(refreshSchema, request, 'refresh request');
      const parsed = parseRoom(name);
      if (!parsed.ok) throw new RoomcastError(parsed.code, parsed.message);
      if (!this.rooms.has(parsed.room)) {
        throw new RoomcastError(ErrorCode.NOT_SUBSCRIBED, `subscribe to ${parsed.room} before refreshing it`);
      }
      return { ok: true as const, room: parsed.room, emitted: broadcaster.replay(this, parsed.room) };
    });
  }

  function onAlertAcknowledge(this: GatewaySocket, request: unknown, ack: unknown): void {
    run(this, 'alert:acknowledge', ack, async () => {
      const { alertId, reason } = validate(acknowledgeAlertSchema, request, 'acknowledge request');
      const user = this.data.user;
      requireRole(user, 'operator', 'acknowledging');
      if (deps.alerts === null) throw new RoomcastError(ErrorCode.UNAVAILABLE, 'alerts are not enabled');
      const alerts = deps.alerts;
      const existing = await deps.store?.getAlert(alertId);
      if (existing && !canAccessRoom(user, deviceRoom(existing.deviceId))) {
        throw new RoomcastError(ErrorCode.FORBIDDEN, `your token does not allow room ${deviceRoom(existing.deviceId)}`);
      }
      return { ok: true as const, alert: await alerts.acknowledge(alertId, reason, user) };
    });
  }

  function onViolationAcknowledge(this: GatewaySocket, request: unknown, ack: unknown): void {
    run(this, 'violation:acknowledge', ack, async () => {
      const { violationId, reason } = validate(acknowledgeViolationSchema, request, 'acknowledge request');
      const user = this.data.user;
      requireRole(user, 'operator', 'acknowledging');
      if (deps.spc === null) throw new RoomcastError(ErrorCode.UNAVAILABLE, 'SPC is not enabled');
      return { ok: true as const, violation: await deps.spc.acknowledge(violationId, reason, user) };
    });
  }

  function onPing(this: GatewaySocket, ack: unknown): void {
    run(this, 'ping', ack, () => {
      const timestamp = new Date().toISOString();
      this.emit('pong', { timestamp });
      return { ok: true as const, timestamp };
    });
  }

  const listenerOf: ReadonlyMap<string, ClientListener> = new Map<ClientEventName, ClientListener>([
    ['subscribe', onSubscribe],
    ['unsubscribe', onUnsubscribe],
    ['subscribe:device', onSubscribeDevice],
    ['unsubscribe:device', onUnsubscribeDevice],
    ['refresh', onRefresh],
    ['alert:acknowledge', onAlertAcknowledge],
    ['violation:acknowledge', onViolationAcknowledge],
    ['ping', onPing],
  ]);

  /**
   * Sees every event first (`onAny`): gives the socket the event's listener the first time
   * it sends it, and answers the events no listener takes, which would otherwise go unanswered.
   */
  function onClientEvent(this: GatewaySocket, event: unknown, ...args: unknown[]): void {
    const listener = typeof event === 'string' ? listenerOf.get(event) : undefined;
    if (listener !== undefined) {
      // Socket.IO's typed `on` cannot relate an event name from a list to its listener.
      const name = event as ClientEventName;
      if (!this.listeners(name).includes(listener as never)) this.on(name, listener as never);
      return;
    }
    const name = String(event);
    run(this, name, args.at(-1), () => {
      throw new RoomcastError(ErrorCode.BAD_REQUEST, `unknown event "${name}"`);
    });
  }

  return (socket) => {
    socket.emit('connection_status', {
      status: 'connected',
      clientId: socket.id,
      activeClients: deps.io.engine.clientsCount,
      serverTime: new Date().toISOString(),
    });
    socket.onAny(onClientEvent);
  };
}
