import type { HistoryEntry, HistoryRequest } from '@roomcast/shared';
import type { Store, TelemetryPoint } from '../store/store';

export const MAX_HISTORY_POINTS = 1000;

function entryOf(point: TelemetryPoint): HistoryEntry {
  return point.source === 'device'
    ? { event: 'device:data', payload: point.payload }
    : { event: 'sensor_reading', payload: point.payload };
}

/**
 * The recent telemetry of each device and sensor room, oldest first: the newest `limit`
 * points, or every point since a time (capped at MAX_HISTORY_POINTS). Other kinds of room
 * have no telemetry history and get an empty list.
 */
export async function roomHistory(
  store: Store,
  rooms: readonly string[],
  request: HistoryRequest,
): Promise<Record<string, HistoryEntry[]>> {
  const out: Record<string, HistoryEntry[]> = {};
  await Promise.all(
    rooms.map(async (room) => {
      const [kind, id] = [room.slice(0, room.indexOf(':')), room.slice(room.indexOf(':') + 1)];
      if (kind !== 'device' && kind !== 'sensor') {
        out[room] = [];
        return;
      }
      const source = kind;
      if ('limit' in request) {
        const page = await store.telemetry({ source, sourceId: id, limit: request.limit, order: 'desc' });
        out[room] = page.items.reverse().map(entryOf);
      } else {
        const page = await store.telemetry({ source, sourceId: id, from: request.since, limit: MAX_HISTORY_POINTS });
        out[room] = page.items.map(entryOf);
      }
    }),
  );
  return out;
}
