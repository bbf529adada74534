import type { RoomEventName } from '@roomcast/shared';
import type { LatestEntry } from './latest-events';

export type EmitEntry = (room: string, entry: LatestEntry) => void;

interface Window {
  timer: NodeJS.Timeout;
  pending: LatestEntry | null;
}

/**
 * At most one broadcast per room and event per interval, with trailing coalescing:
 * the first value in a window goes out at once, the latest value offered during the
 * window goes out when it ends (and opens a new window), so a client never ends on a
 * stale value. An interval of 0 sends everything at once.
 */
export class Throttle {
  private readonly windows = new Map<string, Window>();

  constructor(
    private readonly intervalMs: number,
    private readonly emit: EmitEntry,
  ) {}

  offer(room: string, entry: LatestEntry): void {
    if (this.intervalMs <= 0) {
      this.emit(room, entry);
      return;
    }
    const key = windowKey(room, entry.event);
    const window = this.windows.get(key);
    if (window !== undefined) {
      window.pending = entry;
      return;
    }
    this.emit(room, entry);
    this.open(key, room);
  }

  private open(key: string, room: string): void {
    const timer = setTimeout(() => {
      const window = this.windows.get(key);
      this.windows.delete(key);
      if (window?.pending) {
        this.emit(room, window.pending);
        this.open(key, room);
      }
    }, this.intervalMs);
    timer.unref();
    this.windows.set(key, { timer, pending: null });
  }

  /** Sends every pending trailing value now and closes all windows (used at shutdown). */
  flush(): void {
    const windows = [...this.windows.entries()];
    this.windows.clear();
    for (const [key, window] of windows) {
      clearTimeout(window.timer);
      if (window.pending) this.emit(key.slice(key.indexOf('\u0000') + 1), window.pending);
    }
  }
}

function windowKey(room: string, event: RoomEventName): string {
  return `${event}\u0000${room}`;
}
