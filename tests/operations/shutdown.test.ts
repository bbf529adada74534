import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { io as connectClient } from 'socket.io-client';
import { mintToken, TEST_SECRET, type ClientSocket } from '../support/gateway';

const ROOT = join(__dirname, '../..');
const SHUTDOWN_TIMEOUT_MS = 5000;

interface LogLine {
  level: string;
  message: string;
  [field: string]: unknown;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

interface GatewayProcess {
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

function parseLogs(text: string): LogLine[] {
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
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const running: GatewayProcess[] = [];
const clients: ClientSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
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
});

async function startGateway(env: Record<string, string>): Promise<GatewayProcess> {
  const port = await freePort();
  const child = spawn('node_modules/.bin/tsx', ['server/src/main.ts'], {
    cwd: ROOT,
    // Only what is given: a JWT_SECRET in jest's own environment must not leak in.
    // MQTT_EMBEDDED_PORT=0: never contend for the broker's well-known port with other suites.
    env: { PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', MQTT_EMBEDDED_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));

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

function connect(port: number, token: string): Promise<ClientSocket> {
  const socket: ClientSocket = connectClient(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    auth: { token },
    reconnection: false,
    forceNew: true,
  });
  clients.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const testEnv = {
  NODE_ENV: 'test',
  JWT_SECRET: TEST_SECRET,
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
};

describe('the gateway process', () => {
  it.each<[NodeJS.Signals, string, boolean]>([
    ['SIGTERM', 'sent to the process, as an orchestrator does', false],
    ['SIGINT', 'sent to the process group, as Ctrl-C in a terminal does', true],
  ])(
    'on %s (%s) closes every transport, logs "shutdown complete" and exits 0 within SHUTDOWN_TIMEOUT_MS',
    async (signal, _how, toGroup) => {
      const gateway = await startGateway(testEnv);
      const listening = await gateway.waitForLog('gateway listening');
      expect(listening).toMatchObject({ level: 'info', host: '127.0.0.1', port: gateway.port, env: 'test' });

      const client = await connect(gateway.port, mintToken());
      const disconnected = new Promise<string>((resolve) => client.once('disconnect', resolve));

      if (toGroup) process.kill(-(gateway.child.pid ?? 0), signal);
      else gateway.child.kill(signal);
      const [reason, exit] = await Promise.all([
        within(disconnected, SHUTDOWN_TIMEOUT_MS, 'the client disconnect'),
        within(gateway.exited, SHUTDOWN_TIMEOUT_MS + 1000, 'the exit'),
      ]);
      // Not "io server disconnect": that would tell the client not to reconnect, and it should reconnect elsewhere.
      expect(reason).toBe('transport close');
      expect(exit).toEqual({ code: 0, signal: null });

      await gateway.closed;
      const logs = gateway.logs();
      expect(logs.find((line) => line.message === 'signal received, stopping')).toMatchObject({
        signal,
        timeoutMs: SHUTDOWN_TIMEOUT_MS,
      });
      expect(logs.find((line) => line.message === 'shutting down')).toMatchObject({ connections: 1 });
      expect(logs.at(-1)).toMatchObject({ level: 'info', message: 'shutdown complete' });
      expect(gateway.stderr()).not.toMatch(/error/i);
    },
  );

  it('refuses to start in production without a key: exit code 1 and stderr names JWT_SECRET', async () => {
    const gateway = await startGateway({ NODE_ENV: 'production', LOG_FORMAT: 'json' });
    const exit = await within(gateway.exited, 15_000, 'the exit');
    await gateway.closed;

    expect(exit).toEqual({ code: 1, signal: null });
    expect(gateway.stderr()).toContain('JWT_SECRET or JWT_PUBLIC_KEY is required when NODE_ENV=production');
    expect(gateway.stderr()).not.toMatch(/\n\s+at /);
    expect(gateway.logs().map((line) => line.message)).not.toContain('gateway listening');
  });

  it('in development without a key prints a working token URL once, and never logs the token', async () => {
    const gateway = await startGateway({ NODE_ENV: 'development', LOG_FORMAT: 'json', LOG_LEVEL: 'debug' });
    const url = await gateway.waitFor(
      () => /http:\/\/localhost:(\d+)\/\?token=([\w-]+\.[\w-]+\.[\w-]+)\n/.exec(gateway.stdout()) ?? undefined,
    );
    const [banner = '', port = '', token = ''] = url;
    expect(Number(port)).toBe(gateway.port);

    // The ephemeral key is unknown to the test: the gateway accepting the token is the proof it is valid.
    const client = await connect(gateway.port, token);
    expect(client.connected).toBe(true);
    const me = await fetch(`http://127.0.0.1:${gateway.port}/me?token=${token}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await me.json()).toEqual({ sub: 'developer', role: 'operator', rooms: null });

    gateway.child.kill('SIGTERM');
    expect(await within(gateway.exited, SHUTDOWN_TIMEOUT_MS * 2, 'the exit')).toEqual({ code: 0, signal: null });
    await gateway.closed;

    const logs = gateway.logs();
    expect(logs.map((line) => line.message)).toEqual(
      expect.arrayContaining([
        'gateway listening',
        expect.stringContaining('no JWT_SECRET or JWT_PUBLIC_KEY set'),
        'request',
        'socket connected',
        'shutdown complete',
      ]),
    );
    const signature = token.split('.')[2] ?? token;
    for (const line of logs) expect(JSON.stringify(line)).not.toContain(signature);
    const linesWithToken = gateway
      .stdout()
      .split('\n')
      .filter((line) => line.includes(signature));
    expect(linesWithToken).toEqual([`    ${banner.trim()}`]);
    expect(gateway.stderr()).not.toContain(signature);
  });
});
