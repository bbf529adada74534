import { getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { startProfile, stopProfile } from './cpu-profile';
import type { AnyReply, HeapSnapshotRequest, ProfileStartRequest, ProfileStopRequest } from './protocol';

type CommonRequest = ProfileStartRequest | ProfileStopRequest | HeapSnapshotRequest;

/** No bench child outlives this, whatever happens to the orchestrator's plan. */
const MAX_LIFETIME_MS = 45 * 60_000;

/**
 * The child's half of the IPC channel: replies go to the parent, and the child exits
 * when the parent goes away (the channel closes) or its lifetime runs out.
 */
export function childProcessSetup<R extends { type: string }>(handle: (request: R) => void | Promise<void>): void {
  if (process.send === undefined) {
    console.error('this bench process is started by bench/run.ts over IPC, not directly');
    process.exit(2);
  }
  process.on('disconnect', () => process.exit());
  setTimeout(() => process.exit(3), MAX_LIFETIME_MS).unref();
  process.on('message', (message: R | CommonRequest) => {
    Promise.resolve(dispatch(message, handle)).catch((error: unknown) => {
      reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    });
  });
}

/** Profiles and heap snapshots are the same in every node child, so they are answered here rather than in each server. */
async function dispatch<R extends { type: string }>(
  message: R | CommonRequest,
  handle: (request: R) => void | Promise<void>,
): Promise<void> {
  if (message.type === 'profile-start') {
    await startProfile();
    reply({ type: 'profile-start', ok: true });
  } else if (message.type === 'profile-stop' && 'file' in message) {
    await stopProfile(message.file);
    reply({ type: 'profile-stop', ok: true });
  } else if (message.type === 'heap-snapshot' && 'file' in message) {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    writeHeapSnapshot(message.file);
    reply({ type: 'heap-snapshot', ok: gc !== undefined });
  } else {
    await handle(message as R);
  }
}

export function reply(message: AnyReply): void {
  process.send?.(message);
}

/** Reports a start-up failure, then exits once the report has had time to leave. */
export function failStartup(error: unknown, cleanup: () => void = () => undefined): void {
  reply({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  cleanup();
  setTimeout(() => process.exit(1), 200);
}

/** Replies to a 'gc' request: a full collection when node runs with --expose-gc. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
  const heap = getHeapStatistics();
  reply({
    type: 'gc',
    ok: gc !== undefined,
    heap: { usedKb: heap.used_heap_size / 1024, physicalKb: heap.total_physical_size / 1024 },
  });
}
