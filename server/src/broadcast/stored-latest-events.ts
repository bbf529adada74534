import type { Store } from '../store/store';
import { MemoryLatestEvents, type LatestEntry } from './latest-events';

/**
 * The latest events in memory for fast snapshots, written through to the store in
 * batches so snapshots survive restarts.
 */
export class StoredLatestEvents extends MemoryLatestEvents {
  constructor(private readonly store: Store) {
    super();
  }

  /** Loads what the store kept from earlier runs; called once before the gateway serves. */
  async preload(): Promise<number> {
    const rows = await this.store.loadLatest();
    for (const row of rows) super.remember(row.room, { event: row.event, payload: row.payload } as LatestEntry);
    return rows.length;
  }

  override remember(room: string, entry: LatestEntry): void {
    super.remember(room, entry);
    this.store.enqueueLatest(room, entry.event, entry.payload);
  }
}
