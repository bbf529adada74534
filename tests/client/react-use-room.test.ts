/**
 * @jest-environment jsdom
 * @jest-environment-options {"customExportConditions": ["node", "node-addons"]}
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { act, renderHook, waitFor } from '@testing-library/react';
import { createClient, type RoomcastClient, type RoomEventName, type ServerPayload } from '@roomcast/client';
import { useRoom } from '@roomcast/client/react';

/*
 * React renders into jsdom here, and the client uses its Node transport (`ws`): the
 * export conditions above make jest load Node builds instead of browser stubs.
 * The gateway cannot run inside jsdom (its MQTT client takes the jsdom window for a
 * browser), so it runs in a child process: the same `setup()` as every other test,
 * driven over stdin with one JSON command per line.
 */
const ROOT = join(__dirname, '../..');
const HARNESS = `
import { createInterface } from 'node:readline';
import { mintToken, setup } from './tests/support/gateway';
void (async () => {
  const gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0' });
  const reply = (value: unknown) => process.stdout.write(JSON.stringify(value) + '\\n');
  reply({ url: gw.url, token: mintToken() });
  for await (const line of createInterface({ input: process.stdin })) {
    const command = JSON.parse(line);
    if (command.publish) gw.gateway.broadcaster.publish(...(command.publish as [never, never, never]));
    if (command.members) reply({ members: (await gw.gateway.io.in(command.members).fetchSockets()).length });
  }
  await gw.cleanup();
})();
`;

interface Harness {
  url: string;
  token: string;
  publish<E extends RoomEventName>(room: string, event: E, payload: ServerPayload<E>): void;
  members(room: string): Promise<number>;
  stop(): Promise<void>;
}

async function startGateway(): Promise<Harness> {
  const child: ChildProcessByStdio<Writable, Readable, null> = spawn(
    join(ROOT, 'node_modules/.bin/tsx'),
    ['--eval', HARNESS],
    { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const replies: ((line: string) => void)[] = [];
  const lines: string[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiting = replies.shift();
    if (waiting) waiting(line);
    else lines.push(line);
  });
  const next = (): Promise<string> =>
    new Promise((resolve) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else replies.push(resolve);
    });
  const send = (command: object): void => {
    child.stdin.write(`${JSON.stringify(command)}\n`);
  };
  const { url, token } = JSON.parse(await next()) as { url: string; token: string };
  return {
    url,
    token,
    publish: (room, event, payload) => send({ publish: [room, event, payload] }),
    members: async (room) => {
      send({ members: room });
      return (JSON.parse(await next()) as { members: number }).members;
    },
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

const now = (): string => new Date().toISOString();

describe('useRoom for React (jsdom)', () => {
  let gateway: Harness;
  let client: RoomcastClient;

  beforeAll(async () => {
    gateway = await startGateway();
    client = createClient({ url: gateway.url, token: gateway.token, transports: ['websocket'] });
    await client.ready();
  }, 30_000);
  afterAll(async () => {
    client.disconnect();
    await gateway.stop();
  });

  it('runs in jsdom', () => {
    expect('document' in globalThis && 'window' in globalThis).toBe(true);
  });

  it("renders a device's snapshot, then its live data and alerts, with the subscription status", async () => {
    const device = `react-${Date.now()}`;
    gateway.publish(`device:${device}`, 'device:data', {
      deviceId: device,
      data: { temperature: 20 },
      timestamp: now(),
    });
    const { result } = renderHook(() => useRoom(client, { device }));
    expect(result.current).toEqual({ data: null, alerts: [], status: 'subscribing' });

    await waitFor(() => expect(result.current.status).toBe('subscribed'));
    await waitFor(() => expect(result.current.data?.data).toEqual({ temperature: 20 }));

    gateway.publish(`device:${device}`, 'device:data', {
      deviceId: device,
      data: { temperature: 25 },
      timestamp: now(),
    });
    await waitFor(() => expect(result.current.data?.data.temperature).toBe(25));

    gateway.publish(`device:${device}`, 'device:alerts', {
      deviceId: device,
      alerts: [
        {
          alertId: 'a-1',
          deviceId: device,
          ruleId: 'r',
          metric: 'temperature',
          severity: 'warning',
          state: 'active',
          comparison: 'gt',
          threshold: 22,
          value: 25,
          message: 'warm',
          raisedAt: now(),
          updatedAt: now(),
          clearedAt: null,
          acknowledged: false,
          ackUser: null,
          ackReason: null,
          ackAt: null,
        },
      ],
    });
    await waitFor(() => expect(result.current.alerts.map((a) => a.alertId)).toEqual(['a-1']));
    gateway.publish(`device:${device}`, 'ack_update', {
      kind: 'alert',
      id: 'a-1',
      deviceId: device,
      acknowledged: true,
      ackUser: 'olga',
      ackReason: 'seen',
      ackAt: now(),
    });
    await waitFor(() => expect(result.current.alerts[0]?.acknowledged).toBe(true));
  });

  it('two components share the room (one subscription); it is left when the last unmounts', async () => {
    const device = `react-shared-${Date.now()}`;
    const room = `device:${device}`;
    const first = renderHook(() => useRoom(client, room));
    const second = renderHook(() => useRoom(client, { device }));
    await waitFor(() => expect(first.result.current.status).toBe('subscribed'));
    await waitFor(() => expect(second.result.current.status).toBe('subscribed'));
    expect(await gateway.members(room)).toBe(1);

    act(() => first.unmount());
    gateway.publish(room, 'device:data', { deviceId: device, data: { level: 1 }, timestamp: now() });
    await waitFor(() => expect(second.result.current.data?.data).toEqual({ level: 1 }));
    expect(await gateway.members(room)).toBe(1);

    act(() => second.unmount());
    await waitFor(async () => expect(await gateway.members(room)).toBe(0));
  });

  it('switches rooms when the target changes', async () => {
    const [a, b] = [`react-a-${Date.now()}`, `react-b-${Date.now()}`];
    const { result, rerender, unmount } = renderHook(({ device }: { device: string }) => useRoom(client, { device }), {
      initialProps: { device: a },
    });
    await waitFor(() => expect(result.current.status).toBe('subscribed'));
    rerender({ device: b });
    await waitFor(async () => expect(await gateway.members(`device:${a}`)).toBe(0));
    gateway.publish(`device:${b}`, 'device:data', { deviceId: b, data: { v: 2 }, timestamp: now() });
    await waitFor(() => expect(result.current.data?.deviceId).toBe(b));
    act(() => unmount());
  });
});
