import { RoomcastError } from './errors';
import type { RoomEventName, ServerPayload } from './events';
import { normaliseLocation, parseRoom, type RoomName } from './rooms';

/**
 * The name of the room an event was broadcast into, read from its payload but not checked:
 * enough to look the event up among rooms a client holds (which are all valid names), and
 * cheap enough for every event a dashboard receives.
 */
export function roomKeyOfEvent<E extends RoomEventName>(event: E, payload: ServerPayload<E>): string | null {
  switch (event) {
    case 'device:data':
    case 'device:status':
    case 'device:alerts':
      return `device:${(payload as ServerPayload<'device:data'>).deviceId}`;
    case 'sensor_reading':
      return `sensor:${(payload as ServerPayload<'sensor_reading'>).sensorId}`;
    case 'aqi_update': {
      const location: unknown = (payload as ServerPayload<'aqi_update'>).location;
      return typeof location === 'string' ? `location:${normaliseLocation(location)}` : null;
    }
    case 'sample':
    case 'violation':
      return `characteristic:${(payload as ServerPayload<'sample'>).characteristicId}`;
    case 'ack_update': {
      const update = payload as ServerPayload<'ack_update'>;
      if (update.deviceId !== undefined) return `device:${update.deviceId}`;
      if (update.characteristicId !== undefined) return `characteristic:${update.characteristicId}`;
      return null;
    }
    default:
      return null;
  }
}

/**
 * The room an event was broadcast into, read from its payload. Events carry their subject's
 * id rather than the room name, so a client that is in several rooms routes each event with
 * this. Throws `INVALID_ROOM` when the id is not a valid room id.
 */
export function roomOfEvent<E extends RoomEventName>(event: E, payload: ServerPayload<E>): RoomName | null {
  const key = roomKeyOfEvent(event, payload);
  if (key === null) return null;
  const parsed = parseRoom(key);
  if (!parsed.ok) throw new RoomcastError(parsed.code, parsed.message);
  return parsed.room;
}

/** Every event that is broadcast into rooms, for clients that listen to all of them. */
export const ROOM_EVENT_NAMES: readonly RoomEventName[] = [
  'device:data',
  'device:status',
  'device:alerts',
  'sensor_reading',
  'aqi_update',
  'sample',
  'violation',
  'ack_update',
];
