import { ROOM_EVENT_NAMES, type RoomEventName, type ServerPayload } from '@roomcast/shared';
import type { RoomcastClient } from './client';
import { initialView, reduceRoomEvent, withStatus, type RoomEvent, type RoomView } from './room-view';
import type { Subscription, SubscriptionEvents } from './types';

/**
 * The framework-free half of `useRoom`: one reduced view per client and room, shared by every
 * component showing that room (a second one mounted later still has the snapshot), and
 * reference-counted so the room is left only when the last of them goes.
 */
export interface RoomHandle {
  view(): RoomView;
  /** Calls `listener` after every change of the view; returns the function that stops it. */
  watch(listener: () => void): () => void;
  /** Gives this reference back; the last one leaves the room. Idempotent. */
  release(): void;
}

interface Entry {
  subscription: Subscription;
  view: RoomView;
  listeners: Set<() => void>;
  references: number;
  stop: () => void;
}

const registries = new WeakMap<RoomcastClient, Map<string, Entry>>();

function registryOf(client: RoomcastClient): Map<string, Entry> {
  let registry = registries.get(client);
  if (registry === undefined) {
    registry = new Map();
    registries.set(client, registry);
  }
  return registry;
}

function listenAll(subscription: Subscription, handler: (event: RoomEvent) => void): Array<() => void> {
  const listen = <E extends RoomEventName>(event: E): (() => void) =>
    // The subscription's `on` cannot relate a generic event name to its handler type.
    subscription.on(event, ((payload: ServerPayload<E>) =>
      handler({ event, payload } as RoomEvent)) as SubscriptionEvents[E]);
  return ROOM_EVENT_NAMES.map((event) => listen(event));
}

function open(client: RoomcastClient, room: string): Entry {
  const subscription = client.subscribe(room);
  const entry: Entry = {
    subscription,
    view: initialView(subscription.state),
    listeners: new Set(),
    references: 0,
    stop: () => undefined,
  };
  const update = (next: RoomView): void => {
    if (next === entry.view) return;
    entry.view = next;
    for (const listener of [...entry.listeners]) listener();
  };
  const stops = [
    ...listenAll(subscription, (event) => update(reduceRoomEvent(entry.view, event))),
    subscription.on('state', ({ newState }) => update(withStatus(entry.view, newState))),
  ];
  entry.stop = () => stops.forEach((stop) => stop());
  return entry;
}

/** The current view of a room some component holds, without taking a reference (for renders). */
export function peekRoom(client: RoomcastClient, room: string): RoomView | undefined {
  return registries.get(client)?.get(room)?.view;
}

export function retainRoom(client: RoomcastClient, room: string): RoomHandle {
  const registry = registryOf(client);
  let entry = registry.get(room);
  if (entry === undefined || entry.subscription.state === 'unsubscribed') {
    entry?.stop();
    entry = open(client, room);
    registry.set(room, entry);
  }
  const held = entry;
  held.references += 1;
  let released = false;
  return {
    view: () => held.view,
    watch: (listener) => {
      held.listeners.add(listener);
      return () => held.listeners.delete(listener);
    },
    release: () => {
      if (released) return;
      released = true;
      held.references -= 1;
      // Left a microtask later: React's StrictMode (and a component moving in the tree)
      // releases and retains again in one go, and the room should not be left and rejoined.
      queueMicrotask(() => {
        if (held.references > 0 || registry.get(room) !== held) return;
        registry.delete(room);
        held.stop();
        held.subscription.unsubscribe();
      });
    },
  };
}
