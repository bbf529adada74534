import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

/** The gateway as its own process (`tsx server/src/main.ts`), for tests of signals, crashes and restarts. */

export const ROOT = join(__dirname, '../..');

export interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface GatewayProcess {
  port: number;
  child: ChildProcessByStdio<null, Readable, Readable>;
  stdout(): string;
  stderr(): string;
  /** Every complete stdout line that is a JSON log entry. */
  logs(): LogLine[];
  /** Resolves once `find` returns something, re-checked on each stdout chunk; rejects if the process exits first. */
  waitFor<T>(find: () => T | undefined, timeoutMs?: number): Promise<T>;
  waitForLog(message: string): Promise<LogLine>;
  /** Resolves on the process's 'exit' event. */
  exited: Promise<Exit>;
  /** Resolves once the process and everything holding its stdio are gone, so all output has been read. */
  closed: Promise<void>;
}

function isLogLine(value: unknown): value is LogLine {
  return typeof value === 'object' && value !== null && 'level' in value && 'message' in value;
}

export function parseLogs(text: string): LogLine[] {
  return text.split('\n').flatMap((line) => {
    if (!line.startsWith('{')) return [];
    try {
      const value: unknown = JSON.parse(line);
      return isLogLine(value) ? [value] : [];
    } catch {
      return [];
    }
  });
}

/** A port nobody is using right now: the child must be told its port, since it prints no address before logging. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

const running: GatewayProcess[] = [];

/** Kills every gateway process a test started and waits until its output is read. */
export async function killGatewayProcesses(): Promise<void> {
  await Promise.all(
    running.splice(0).map(async (gateway) => {
      try {
        // The child leads its own process group: this reaches tsx and the node process it runs.
        process.kill(-(gateway.child.pid ?? 0), 'SIGKILL');
      } catch {
        // ESRCH: the whole group has already exited.
      }
      await gateway.closed;
    }),
  );
}

export async function startGatewayProcess(
  env: Record<string, string>,
  options: { dataDir?: string } = {},
): Promise<GatewayProcess> {
  const port = await freePort();
  // A directory the test passes in outlives the process (for restarts); otherwise it is removed with it.
  const ownDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'roomcast-process-'));
  const child = spawn('node_modules/.bin/tsx', ['server/src/main.ts'], {
    cwd: ROOT,
    // Only what is given: a JWT_SECRET in jest's own environment must not leak in.
    // MQTT_EMBEDDED_PORT=0: never contend for the broker's well-known port with other suites.
    env: {
      PATH: process.env.PATH ?? '',
      PORT: String(port),
      HOST: '127.0.0.1',
      MQTT_EMBEDDED_PORT: '0',
      DATA_DIR: dataDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) =>
    child.once('close', () => {
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
      resolve();
    }),
  );

  const waitFor = <T>(find: () => T | undefined, timeoutMs = 15_000): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const check = (): void => {
        const found = find();
        if (found === undefined) return;
        done();
        resolve(found);
      };
      const onClose = (): void => {
        done();
        reject(new Error(`the gateway exited first.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms.\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        child.stdout.off('data', check);
        child.off('close', onClose);
      };
      child.stdout.on('data', check);
      child.once('close', onClose);
      check();
    });

  const gateway: GatewayProcess = {
    port,
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    logs: () => parseLogs(stdout),
    waitFor,
    waitForLog: (message) => waitFor(() => parseLogs(stdout).find((line) => line.message === message)),
    exited,
    closed,
  };
  running.push(gateway);
  return gateway;
}
