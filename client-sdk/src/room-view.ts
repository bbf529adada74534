import type {
  Alert,
  AqiUpdatePayload,
  DeviceDataPayload,
  IsoTimestamp,
  RoomEventName,
  RoomKind,
  SamplePayload,
  SensorReadingPayload,
  ServerPayload,
  ViolationPayload,
} from '@roomcast/shared';
import type { SubscriptionState } from './types';

/** A violation as a dashboard has seen it: the broadcast, plus its acknowledgement once one arrives. */
export interface SeenViolation extends ViolationPayload {
  acknowledged: boolean;
  ackUser: string | null;
  ackReason: string | null;
  ackAt: IsoTimestamp | null;
}

/** What each kind of room shows: its latest reading, and the alerts (or violations) to act on. */
interface ViewsByKind {
  device: { data: DeviceDataPayload; alert: Alert };
  sensor: { data: SensorReadingPayload; alert: never };
  location: { data: AqiUpdatePayload; alert: never };
  characteristic: { data: SamplePayload; alert: SeenViolation };
}

export interface RoomView<K extends RoomKind = RoomKind> {
  /** The room's latest reading: device:data, sensor_reading, aqi_update or sample. */
  data: ViewsByKind[K]['data'] | null;
  /** A device's current alerts, or the violations a characteristic room has seen (newest last). */
  alerts: readonly ViewsByKind[K]['alert'][];
  status: SubscriptionState;
}

/** Violations kept per characteristic room: a dashboard left open must not grow without bound. */
export const MAX_VIOLATIONS = 100;

export type RoomEvent = { [E in RoomEventName]: { event: E; payload: ServerPayload<E> } }[RoomEventName];

export function initialView(status: SubscriptionState): RoomView {
  return { data: null, alerts: [], status };
}

/**
 * Folds one room event into the view; pure, and returns the same object when nothing
 * changed (so React's external store and Vue's refs skip needless renders).
 */
export function reduceRoomEvent(view: RoomView, { event, payload }: RoomEvent): RoomView {
  switch (event) {
    case 'device:data':
    case 'sensor_reading':
    case 'aqi_update':
    case 'sample':
      return { ...view, data: payload };
    case 'device:alerts':
      return { ...view, alerts: payload.alerts };
    case 'violation': {
      const seen: SeenViolation = { ...payload, acknowledged: false, ackUser: null, ackReason: null, ackAt: null };
      return { ...view, alerts: [...view.alerts, seen].slice(-MAX_VIOLATIONS) };
    }
    case 'ack_update': {
      const idOf = (item: Alert | SeenViolation): string => ('alertId' in item ? item.alertId : item.violationId);
      if (!view.alerts.some((item) => idOf(item) === payload.id)) return view;
      const { acknowledged, ackUser, ackReason, ackAt } = payload;
      return {
        ...view,
        alerts: view.alerts.map((item) =>
          idOf(item) === payload.id ? { ...item, acknowledged, ackUser, ackReason, ackAt } : item,
        ),
      };
    }
    case 'device:status':
      return view;
  }
}

export function withStatus(view: RoomView, status: SubscriptionState): RoomView {
  return view.status === status ? view : { ...view, status };
}
