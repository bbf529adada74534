import { useCallback, useSyncExternalStore } from 'react';
import type { RoomcastClient } from './client';
import { roomLabel, type KindOfTarget } from './room-target';
import { peekRoom, retainRoom } from './room-store';
import { initialView, type RoomView } from './room-view';
import type { RoomTarget } from './types';

const INITIAL = initialView('subscribing');

/**
 * The live view of one room: `data` (its latest reading), `alerts` and `status` (the
 * subscription's state). Subscribes when the first component using the room mounts and
 * leaves when the last one unmounts; `room` may be a name or a typed reference.
 *
 * Built on useSyncExternalStore: the room is retained in its `subscribe` (a commit-phase
 * effect, so a render React throws away never subscribes) and read in `getSnapshot`.
 */
export function useRoom<T extends RoomTarget>(client: RoomcastClient, room: T): RoomView<KindOfTarget<T>> {
  // A string, so a reference written inline (`{ device: 'x' }`) is the same room on every render.
  const name = roomLabel(room);
  const subscribe = useCallback(
    (onChange: () => void) => {
      const handle = retainRoom(client, name);
      const stop = handle.watch(onChange);
      return () => {
        stop();
        handle.release();
      };
    },
    [client, name],
  );
  const getSnapshot = useCallback(() => peekRoom(client, name) ?? INITIAL, [client, name]);
  // The views of a room of kind K only ever hold that kind's payloads (events are routed by room).
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot) as RoomView<KindOfTarget<T>>;
}

export type { RoomView, SeenViolation } from './room-view';
export type { KindOfTarget } from './room-target';
