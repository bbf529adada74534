import type { RoomcastError } from '@roomcast/shared';

interface Waiter {
  resolve(): void;
  reject(error: RoomcastError): void;
}

/**
 * The pending `ready()` promises of a client or subscription: settled together by its
 * state change, so a promise is created only when someone asks (none is left rejected
 * with nobody listening).
 */
export class ReadyWaiters {
  private waiters: Waiter[] = [];

  wait(): Promise<void> {
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  resolve(): void {
    for (const waiter of this.take()) waiter.resolve();
  }

  reject(error: RoomcastError): void {
    for (const waiter of this.take()) waiter.reject(error);
  }

  private take(): Waiter[] {
    const taken = this.waiters;
    this.waiters = [];
    return taken;
  }
}
