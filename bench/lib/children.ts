import { fork, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import type { AnyReply, AnyRequest } from './protocol';

export const BENCH_DIR = resolve(__dirname, '..');
export const REPO_ROOT = resolve(BENCH_DIR, '..');
/** Maps @roomcast/* to their sources, so the bench measures the code as it is, not a stale dist/. */
export const BENCH_TSCONFIG = join(BENCH_DIR, 'tsconfig.json');

/** Every child still alive; killed on exit, SIGINT and SIGTERM so no run leaves load behind. */
const live = new Set<ChildProcess>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const killAll = (): void => {
    for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      console.error(`\n${signal}: stopping every bench process`);
      killAll();
      process.exit(130);
    });
  }
}

export function track(child: ChildProcess): void {
  hookExit();
  live.add(child);
  child.once('exit', () => live.delete(child));
}

export interface ForkOptions {
  env?: Record<string, string>;
  /** Extra node flags: --expose-gc, --max-old-space-size. */
  nodeFlags?: string[];
  args?: string[];
}

/** Starts one bench TypeScript file as a node child with an IPC channel. */
export function forkTs(file: string, options: ForkOptions = {}): ChildProcess {
  const child = fork(join(BENCH_DIR, file), options.args ?? [], {
    cwd: REPO_ROOT,
    execArgv: [...(options.nodeFlags ?? []), '--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: BENCH_TSCONFIG, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  track(child);
  return child;
}

/** Resolves with the child's next message of `type`; rejects when it exits or the time runs out. */
export function nextMessage<T extends AnyReply['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<AnyReply, { type: T }>> {
  return new Promise((resolvePromise, reject) => {
    const cleanup = (): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (message: AnyReply): void => {
      if (message.type === 'failed') {
        cleanup();
        reject(new Error(`child ${child.pid ?? '?'} failed: ${message.message}`));
      } else if (message.type === type) {
        cleanup();
        resolvePromise(message as Extract<AnyReply, { type: T }>);
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`child ${child.pid ?? '?'} exited (${signal ?? code}) while awaiting '${type}'`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`child ${child.pid ?? '?'} did not answer '${type}' within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

/** Sends a request and awaits the reply of the same type. */
export function request<M extends AnyRequest>(
  child: ChildProcess,
  message: M,
  timeoutMs = 15_000,
): Promise<Extract<AnyReply, { type: M['type'] }>> {
  // Replies share their request's type name; TypeScript cannot follow that through the generic.
  const reply = nextMessage(child, message.type as AnyReply['type'], timeoutMs);
  child.send(message);
  return reply as Promise<Extract<AnyReply, { type: M['type'] }>>;
}

/** Asks a child to close, then kills it if it has not gone within `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolvePromise) => child.once('exit', () => resolvePromise()));
  if (child.connected) child.send({ type: 'close' });
  else child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}
