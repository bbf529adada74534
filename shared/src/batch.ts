import type { RoomEventName, ServerPayload } from './events';

/**
 * Batching: a client that asks for it in its handshake (`auth: { token, batch: true }`)
 * receives the room events due to it within one short flush interval as one `batch`
 * event — one frame instead of one per event. Plain clients keep receiving every event
 * on its own. The SDK asks for batches and unpacks them; nothing changes for its users.
 */

/** The handshake `auth` field that opts a connection in to batches. */
export const BATCH_AUTH_FIELD = 'batch';

/** One room event inside a batch: the name and payload it would have had on its own. */
export type BatchedEvent = { [E in RoomEventName]: [event: E, payload: ServerPayload<E>] }[RoomEventName];

/** The `batch` event: room events in the order the gateway emitted them. */
export interface BatchPayload {
  events: BatchedEvent[];
}

/** Calls `deliver` for each event of a batch, in order, as if each had arrived on its own. */
export function unpackBatch(payload: BatchPayload, deliver: (event: BatchedEvent) => void): void {
  for (const event of payload.events) deliver(event);
}
