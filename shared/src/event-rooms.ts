import type { RoomEventName, ServerPayload } from './events';
import { characteristicRoom, deviceRoom, locationRoom, sensorRoom, type RoomName } from './rooms';

/**
 * The room an event was broadcast into, read from its payload. Events carry their subject's
 * id rather than the room name, so a client that is in several rooms routes each event with this.
 */
export function roomOfEvent<E extends RoomEventName>(event: E, payload: ServerPayload<E>): RoomName | null {
  switch (event) {
    case 'device:data':
    case 'device:status':
    case 'device:alerts':
      return deviceRoom((payload as ServerPayload<'device:data'>).deviceId);
    case 'sensor_reading':
      return sensorRoom((payload as ServerPayload<'sensor_reading'>).sensorId);
    case 'aqi_update':
      return locationRoom((payload as ServerPayload<'aqi_update'>).location);
    case 'sample':
    case 'violation':
      return characteristicRoom((payload as ServerPayload<'sample'>).characteristicId);
    case 'ack_update': {
      const update = payload as ServerPayload<'ack_update'>;
      if (update.deviceId !== undefined) return deviceRoom(update.deviceId);
      if (update.characteristicId !== undefined) return characteristicRoom(update.characteristicId);
      return null;
    }
    default:
      return null;
  }
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
