import { deviceRoom, ErrorCode, parseRoom, RoomcastError, isValidId, ID_RULE } from '@roomcast/shared';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { Logger } from '../logging/logger';
import type { SubscribeResult } from '@roomcast/shared';
import type { AlertService } from '../alerts/alert-service';
import type { SpcService } from '../spc/spc-service';
import { canAccessRoom, hasRole } from '../auth/room-access';
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
import { respond, type RespondContext } from './respond';
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

/** Greets a new connection and wires every client event to its handler. */
export function handleConnection(socket: GatewaySocket, deps: ConnectionDeps): void {
  const { broadcaster, limits } = deps;
  const context: RespondContext = {
    limiter: new TokenBucket(limits.rateLimitPerSecond, limits.rateLimitBurst),
    logger: deps.logger,
    socketId: socket.id,
  };

  socket.emit('connection_status', {
    status: 'connected',
    clientId: socket.id,
    activeClients: deps.io.engine.clientsCount,
    serverTime: new Date().toISOString(),
  });

  socket.on('subscribe', (request, ack) =>
    respond(context, 'subscribe', ack, async (): Promise<SubscribeResult> => {
      const { rooms, history } = validate(subscribeSchema, request, 'subscribe request');
      const result = subscribeRooms(socket, rooms, broadcaster, limits);
      if (history === undefined) return result;
      if (deps.store === null) throw new RoomcastError(ErrorCode.UNAVAILABLE, 'this gateway keeps no history');
      return { ...result, history: await roomHistory(deps.store, result.joined, history) };
    }),
  );

  socket.on('unsubscribe', (request, ack) =>
    respond(context, 'unsubscribe', ack, () => {
      const { rooms } = validate(unsubscribeSchema, request, 'unsubscribe request');
      return unsubscribeRooms(socket, rooms, broadcaster);
    }),
  );

  socket.on('subscribe:device', (deviceId, ack) =>
    respond(context, 'subscribe:device', ack, () =>
      subscribeRooms(socket, [deviceRoomOf(deviceId)], broadcaster, limits),
    ),
  );

  socket.on('unsubscribe:device', (deviceId, ack) =>
    respond(context, 'unsubscribe:device', ack, () => unsubscribeRooms(socket, [deviceRoomOf(deviceId)], broadcaster)),
  );

  socket.on('refresh', (request, ack) =>
    respond(context, 'refresh', ack, () => {
      const { room: name } = validate(refreshSchema, request, 'refresh request');
      const parsed = parseRoom(name);
      if (!parsed.ok) throw new RoomcastError(parsed.code, parsed.message);
      if (!socket.rooms.has(parsed.room)) {
        throw new RoomcastError(ErrorCode.NOT_SUBSCRIBED, `subscribe to ${parsed.room} before refreshing it`);
      }
      return { ok: true as const, room: parsed.room, emitted: broadcaster.replay(socket, parsed.room) };
    }),
  );

  socket.on('alert:acknowledge', (request, ack) =>
    respond(context, 'alert:acknowledge', ack, async () => {
      const { alertId, reason } = validate(acknowledgeAlertSchema, request, 'acknowledge request');
      const user = socket.data.user;
      if (!hasRole(user, 'operator')) {
        throw new RoomcastError(
          ErrorCode.FORBIDDEN,
          `acknowledging needs the operator role; the token has ${user.role}`,
        );
      }
      if (deps.alerts === null) throw new RoomcastError(ErrorCode.UNAVAILABLE, 'alerts are not enabled');
      const alerts = deps.alerts;
      const existing = await deps.store?.getAlert(alertId);
      if (existing && !canAccessRoom(user, deviceRoom(existing.deviceId))) {
        throw new RoomcastError(ErrorCode.FORBIDDEN, `your token does not allow room ${deviceRoom(existing.deviceId)}`);
      }
      return { ok: true as const, alert: await alerts.acknowledge(alertId, reason, user) };
    }),
  );

  socket.on('violation:acknowledge', (request, ack) =>
    respond(context, 'violation:acknowledge', ack, async () => {
      const { violationId, reason } = validate(acknowledgeViolationSchema, request, 'acknowledge request');
      const user = socket.data.user;
      if (!hasRole(user, 'operator')) {
        throw new RoomcastError(
          ErrorCode.FORBIDDEN,
          `acknowledging needs the operator role; the token has ${user.role}`,
        );
      }
      if (deps.spc === null) throw new RoomcastError(ErrorCode.UNAVAILABLE, 'SPC is not enabled');
      return { ok: true as const, violation: await deps.spc.acknowledge(violationId, reason, user) };
    }),
  );

  socket.on('ping', (ack) =>
    respond(context, 'ping', ack, () => {
      const timestamp = new Date().toISOString();
      socket.emit('pong', { timestamp });
      return { ok: true as const, timestamp };
    }),
  );
}
