import { io as connectClient } from 'socket.io-client';
import { mintToken, TEST_SECRET, type ClientSocket } from '../support/gateway';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';

const SHUTDOWN_TIMEOUT_MS = 5000;

function within<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const clients: ClientSocket[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await killGatewayProcesses();
});

const startGateway = (env: Record<string, string>): Promise<GatewayProcess> => startGatewayProcess(env);

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
