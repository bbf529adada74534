import { onScopeDispose, shallowRef, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';
import type { RoomKind } from '@roomcast/shared';
import type { RoomcastClient } from './client';
import { roomLabel, type KindOfTarget } from './room-target';
import { retainRoom, type RoomHandle } from './room-store';
import type { RoomView } from './room-view';
import type { RoomTarget } from './types';

/** `useRoom`'s view of a room of kind K, one read-only ref per field. */
export interface RoomRefs<K extends RoomKind = RoomKind> {
  data: Readonly<Ref<RoomView<K>['data']>>;
  alerts: Readonly<Ref<RoomView<K>['alerts']>>;
  status: Readonly<Ref<RoomView<K>['status']>>;
}

/**
 * The live view of one room as refs: `data` (its latest reading), `alerts` and `status`.
 * `room` may be a ref or getter; when it changes the old room is released and the new one
 * joined. Everything is released when the calling scope (component or effectScope) ends.
 */
export function useRoom<T extends RoomTarget>(
  client: RoomcastClient,
  room: MaybeRefOrGetter<T>,
): RoomRefs<KindOfTarget<T>> {
  type View = RoomView<KindOfTarget<T>>;
  const data = shallowRef<View['data']>(null);
  const alerts = shallowRef<View['alerts']>([]);
  const status = shallowRef<View['status']>('subscribing');
  let handle: RoomHandle | null = null;
  let stopWatching = (): void => undefined;

  const release = (): void => {
    stopWatching();
    handle?.release();
    handle = null;
  };
  const show = (view: RoomView): void => {
    // The views of a room of kind K only ever hold that kind's payloads (events are routed by room).
    const typed = view as View;
    data.value = typed.data;
    alerts.value = typed.alerts;
    status.value = typed.status;
  };

  watch(
    () => roomLabel(toValue(room)),
    (name) => {
      release();
      const held = retainRoom(client, name);
      handle = held;
      show(held.view());
      stopWatching = held.watch(() => show(held.view()));
    },
    { immediate: true },
  );
  onScopeDispose(release);

  return { data, alerts, status };
}

export type { RoomView, SeenViolation } from './room-view';
export type { KindOfTarget } from './room-target';
