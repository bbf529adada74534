import type { ChildProcess } from 'node:child_process';
import { Histogram } from '../measure/histogram';
import { forkTs, request, stopChild } from './children';
import type { ClientKind, SnapshotReply } from './protocol';

/** From this many clients on, two load processes share them, so one JS thread is less the bottleneck. */
export const SPLIT_AT = 1000;
const CONNECT_BATCH = 100;

export interface ClientGroupOptions {
  kind: ClientKind;
  url: string;
  token: string | null;
  count: number;
  roomsPerClient?: number;
  deviceCount?: number;
}

export interface ConnectOutcome {
  connected: number;
  failed: number;
  firstError: string | null;
  ms: number;
}

/** What all the load processes saw since the previous window opened. */
export interface WindowReading {
  deliveries: number;
  deliveriesPerSec: number;
  latency: Histogram;
  connected: number;
  disconnects: number;
  parseErrors: number;
}

/** N clients spread over one or two load processes, read as one. */
export class ClientGroup {
  private lastAt: number[] = [];

  private constructor(
    readonly processes: ChildProcess[],
    readonly outcome: ConnectOutcome,
  ) {}

  get pids(): number[] {
    return this.processes.map((child) => child.pid ?? 0);
  }

  static async connect(options: ClientGroupOptions): Promise<ClientGroup> {
    const processCount = options.count >= SPLIT_AT ? 2 : 1;
    const processes: ChildProcess[] = [];
    let firstIndex = 0;
    const replies = [];
    for (let p = 0; p < processCount; p += 1) {
      const count = Math.floor(options.count / processCount) + (p < options.count % processCount ? 1 : 0);
      const child = forkTs('load/clients.ts', { nodeFlags: ['--max-old-space-size=4096'] });
      processes.push(child);
      replies.push(
        request(
          child,
          {
            type: 'connect',
            kind: options.kind,
            url: options.url,
            token: options.token,
            count,
            firstIndex,
            roomsPerClient: options.roomsPerClient ?? 1,
            deviceCount: options.deviceCount ?? 1,
            batch: CONNECT_BATCH,
          },
          // Bounded: 10k connections in batches of 100 take seconds, not minutes.
          180_000,
        ),
      );
      firstIndex += count;
    }
    let results;
    try {
      results = await Promise.all(replies);
    } catch (error) {
      await Promise.all(processes.map((child) => stopChild(child)));
      throw error;
    }
    const outcome: ConnectOutcome = {
      connected: results.reduce((sum, r) => sum + r.connected, 0),
      failed: results.reduce((sum, r) => sum + r.failed, 0),
      firstError: results.find((r) => r.firstError !== null)?.firstError ?? null,
      ms: Math.max(...results.map((r) => r.ms)),
    };
    const group = new ClientGroup(processes, outcome);
    await group.read();
    return group;
  }

  private async snapshots(): Promise<SnapshotReply[]> {
    return Promise.all(this.processes.map((child) => request(child, { type: 'snapshot' }, 30_000)));
  }

  /**
   * Closes the current window and opens the next. Rates use each process's own clock
   * between its two snapshots, so a process slow to answer does not skew them.
   */
  async read(): Promise<WindowReading> {
    const replies = await this.snapshots();
    let deliveriesPerSec = 0;
    replies.forEach((snapshot, i) => {
      const since = this.lastAt[i];
      if (since !== undefined && snapshot.at > since)
        deliveriesPerSec += (snapshot.deliveries * 1000) / (snapshot.at - since);
    });
    this.lastAt = replies.map((snapshot) => snapshot.at);
    return {
      deliveries: replies.reduce((sum, s) => sum + s.deliveries, 0),
      deliveriesPerSec,
      latency: Histogram.from(replies.map((s) => s.latency)),
      connected: replies.reduce((sum, s) => sum + s.connected, 0),
      disconnects: replies.reduce((sum, s) => sum + s.disconnects, 0),
      parseErrors: replies.reduce((sum, s) => sum + s.parseErrors, 0),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.processes.map((child) => stopChild(child)));
  }
}
