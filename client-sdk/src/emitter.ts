/** An event map: each event name maps to its handler's signature. */
export type EventMap<Events> = { [K in keyof Events]: (...args: never[]) => void };

/**
 * The smallest typed emitter the SDK needs: `on` returns the function that removes the
 * handler. A handler that throws does not stop the others or the state change that
 * emitted; its error is rethrown on a fresh task so it still reaches the host's reporting.
 */
export class Emitter<Events extends EventMap<Events>> {
  private readonly handlers = new Map<keyof Events, Set<Events[keyof Events]>>();

  on<K extends keyof Events>(event: K, handler: Events[K]): () => void {
    let set = this.handlers.get(event);
    if (set === undefined) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler);
    return () => {
      set.delete(handler);
    };
  }

  emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const set = this.handlers.get(event);
    if (set === undefined) return;
    // A copy: handlers may remove themselves (or others) while being called.
    for (const handler of [...set]) {
      try {
        (handler as (...args: Parameters<Events[K]>) => void)(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  clear(): void {
    this.handlers.clear();
  }
}
