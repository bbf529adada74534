import {
  createClient,
  type ClientState,
  type RoomcastClient,
  type ServerPayload,
  type StateChange,
  type SubscriptionState,
} from '@roomcast/client';
import { mintToken, setup, type TestGateway } from '../support/gateway';
import { eventually, uniqueId } from '../support/mqtt';

const FAST = { minDelayMs: 20, maxDelayMs: 100 };

/**
 * Reconnects against a real gateway: dropped by the server, and the gateway stopped and
 * started again on the same port (as behind a load balancer). One gateway per test, since
 * both disconnect every socket on it.
 */
describe('client reconnect', () => {
  let gw: TestGateway;
  let client: RoomcastClient | null = null;
  /** The rooms of each `subscribe` request the gateway received. */
  let requests: string[][];

  async function start(port?: number): Promise<TestGateway> {
    const gateway = await setup({
      BROADCAST_MIN_INTERVAL_MS: '0',
      ...(port !== undefined ? { PORT: String(port) } : {}),
    });
    gateway.gateway.io.on('connection', (socket) => {
      socket.on('subscribe', (request) => requests.push([...request.rooms]));
    });
    return gateway;
  }

  const publishDevice = (deviceId: string, level: number): void =>
    gw.gateway.broadcaster.publish(`device:${deviceId}`, 'device:data', {
      deviceId,
      data: { level },
      timestamp: new Date().toISOString(),
    });

  beforeEach(async () => {
    requests = [];
    gw = await start();
  });
  afterEach(async () => {
    client?.disconnect();
    client = null;
    await gw.cleanup();
  });

  async function connectedWithTwoRooms() {
    const [a, b] = [uniqueId('re-a'), uniqueId('re-b')];
    client = createClient({ url: gw.url, token: mintToken(), reconnect: FAST, autoConnect: false });
    const clientStates: StateChange<ClientState>[] = [];
    client.on('state', (change) => clientStates.push(change));
    const reasons: string[] = [];
    client.on('disconnected', ({ reason }) => reasons.push(reason));
    client.connect();
    const subA = client.subscribe({ device: a });
    const subB = client.subscribe({ device: b });
    const states: StateChange<SubscriptionState>[] = [];
    subA.on('state', (change) => states.push(change));
    const dataA: ServerPayload<'device:data'>[] = [];
    const dataB: ServerPayload<'device:data'>[] = [];
    subA.on('device:data', (payload) => dataA.push(payload));
    subB.on('device:data', (payload) => dataB.push(payload));
    await Promise.all([subA.ready(), subB.ready()]);
    return { a, b, client, subA, subB, clientStates, reasons, states, dataA, dataB };
  }

  it('subscriptions made before connecting go out in one request once connected', async () => {
    const { a, b } = await connectedWithTwoRooms();
    expect(requests).toEqual([[`device:${a}`, `device:${b}`]]);
  });

  it('dropped by the gateway (io server disconnect): reconnects and resubscribes every room in one request', async () => {
    const { a, b, subA, subB, clientStates, reasons, states, dataA, dataB } = await connectedWithTwoRooms();
    requests = [];
    const reconnected = new Promise<void>((resolve) =>
      subA.on('state', (c) => c.newState === 'subscribed' && resolve()),
    );

    gw.gateway.io.disconnectSockets(true);
    await reconnected;
    await subB.ready();

    expect(reasons).toEqual(['io server disconnect']);
    expect(clientStates).toEqual([
      { oldState: 'disconnected', newState: 'connecting' },
      { oldState: 'connecting', newState: 'connected' },
      { oldState: 'connected', newState: 'connecting' },
      { oldState: 'connecting', newState: 'connected' },
    ]);
    expect(states).toEqual([
      { oldState: 'subscribing', newState: 'subscribed' },
      { oldState: 'subscribed', newState: 'subscribing' },
      { oldState: 'subscribing', newState: 'subscribed' },
    ]);
    expect(requests).toEqual([[`device:${a}`, `device:${b}`]]);

    publishDevice(a, 1);
    publishDevice(b, 2);
    await eventually(() => dataA.length >= 1 && dataB.length >= 1);
    expect(dataA.at(-1)?.data).toEqual({ level: 1 });
    expect(dataB.at(-1)?.data).toEqual({ level: 2 });
  });

  it('the gateway stops and starts again: the client waits, reconnects to the new instance and resubscribes', async () => {
    const { a, b, subA, subB, reasons, dataA, dataB } = await connectedWithTwoRooms();
    const port = gw.port;
    const current = client as RoomcastClient;
    const lost = new Promise<void>((resolve) => current.on('disconnected', () => resolve()));

    await gw.cleanup();
    await lost;
    // Shutting down closes the transports; Socket.IO reports it as a transport close.
    expect(reasons).toEqual(['transport close']);
    expect(current.state).toBe('connecting');
    expect(subA.state).toBe('subscribing');

    requests = [];
    gw = await start(port);
    await current.ready();
    await Promise.all([subA.ready(), subB.ready()]);
    expect(requests).toEqual([[`device:${a}`, `device:${b}`]]);
    publishDevice(a, 3);
    publishDevice(b, 4);
    await eventually(() => dataA.length >= 1 && dataB.length >= 1);
    expect(dataA.at(-1)?.data).toEqual({ level: 3 });
    expect(dataB.at(-1)?.data).toEqual({ level: 4 });
  });

  it('does not resubscribe a room unsubscribed while disconnected', async () => {
    const { a, b, subA, subB } = await connectedWithTwoRooms();
    const current = client as RoomcastClient;
    const lost = new Promise<void>((resolve) => current.on('disconnected', () => resolve()));
    gw.gateway.io.disconnectSockets(true);
    await lost;
    subB.unsubscribe();
    requests = [];
    await subA.ready();
    expect(requests).toEqual([[`device:${a}`]]);
    expect((await gw.gateway.io.in(`device:${b}`).fetchSockets()).length).toBe(0);
  });
});
