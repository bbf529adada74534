import type { MqttClient } from 'mqtt';
import {
  createClient,
  ErrorCode,
  RoomcastError,
  type HistoryEntry,
  type RoomcastClient,
  type ServerPayload,
  type StateChange,
  type SubscriptionState,
} from '@roomcast/client';
import { mintToken, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';
import { rejection } from '../support/rejections';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const now = (): string => new Date().toISOString();

function deviceData(deviceId: string, data: Record<string, number>): ServerPayload<'device:data'> {
  return { deviceId, data, timestamp: now() };
}

describe('client subscriptions', () => {
  let gw: TestGateway;
  let client: RoomcastClient;
  const extra: RoomcastClient[] = [];

  const publishDevice = (deviceId: string, data: Record<string, number>): void =>
    gw.gateway.broadcaster.publish(`device:${deviceId}`, 'device:data', deviceData(deviceId, data));
  const roomMembers = async (room: string): Promise<number> => (await gw.gateway.io.in(room).fetchSockets()).length;

  beforeAll(async () => {
    // No throttle: each published payload is broadcast as it is.
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0' });
    client = createClient({ url: gw.url, token: mintToken() });
    await client.ready();
  });
  afterAll(async () => {
    client.disconnect();
    for (const other of extra) other.disconnect();
    await gw.cleanup();
  });

  it("delivers the room's snapshot (sent before the ack) and then live events, each to its own subscription", async () => {
    const [a, b] = [uniqueId('dev-a'), uniqueId('dev-b')];
    publishDevice(a, { temperature: 21 }); // becomes the room's latest: the snapshot on subscribe

    const subA = client.subscribe({ device: a });
    const subB = client.subscribe(`device:${b}`);
    const seenA: string[] = [];
    const dataA: ServerPayload<'device:data'>[] = [];
    const dataB: ServerPayload<'device:data'>[] = [];
    subA.on('device:data', (payload) => {
      dataA.push(payload);
      seenA.push(`data ${JSON.stringify(payload.data)}`);
    });
    subA.on('state', ({ newState }) => seenA.push(`state ${newState}`));
    subB.on('device:data', (payload) => dataB.push(payload));
    expect(subA.state).toBe('subscribing');
    await Promise.all([subA.ready(), subB.ready()]);
    expect(seenA).toEqual(['data {"temperature":21}', 'state subscribed']);
    expect(dataB).toEqual([]);

    publishDevice(b, { humidity: 40 });
    publishDevice(a, { temperature: 22 });
    await eventually(() => dataA.length === 2 && dataB.length === 1);
    expect(dataA[1]).toMatchObject({ deviceId: a, data: { temperature: 22 } });
    expect(dataB[0]).toMatchObject({ deviceId: b, data: { humidity: 40 } });
  });

  it('moves a subscription subscribing → subscribed → unsubscribed with each change emitted in order', async () => {
    const subscription = client.subscribe({ sensor: uniqueId('soil') });
    const changes: StateChange<SubscriptionState>[] = [];
    subscription.on('state', (change) => changes.push(change));
    await subscription.ready();
    subscription.unsubscribe();
    expect(changes).toEqual([
      { oldState: 'subscribing', newState: 'subscribed' },
      { oldState: 'subscribed', newState: 'unsubscribed' },
    ]);
    expect((await rejection(subscription.ready())).code).toBe(ErrorCode.NOT_SUBSCRIBED);
  });

  it('returns one subscription per room, whatever the spelling of the target', async () => {
    const location = uniqueId('Delhi');
    const subscription = client.subscribe({ location: ` ${location} ` });
    expect(subscription.room).toBe(`location:${location.toLowerCase()}`);
    expect(client.subscribe(`location:${location.toLowerCase()}`)).toBe(subscription);
    expect(client.subscribe({ location: location.toUpperCase() })).toBe(subscription);
    await subscription.ready();
    subscription.unsubscribe();
  });

  it('an invalid room is a subscription in error INVALID_ROOM, not a throw', async () => {
    for (const target of ['device:has space', 'machine:x', 'no-kind', { device: '' }, { machine: 'x' } as never]) {
      const subscription = client.subscribe(target);
      expect(subscription.state).toBe('error');
      expect(subscription.error).toBeInstanceOf(RoomcastError);
      expect(subscription.error?.code).toBe(ErrorCode.INVALID_ROOM);
      expect((await rejection(subscription.ready())).code).toBe(ErrorCode.INVALID_ROOM);
    }
  });

  it('a room the token does not allow goes to error FORBIDDEN while the allowed rooms work', async () => {
    const limited = createClient({ url: gw.url, token: mintToken({ role: 'viewer', rooms: ['device:*'] }) });
    extra.push(limited);
    const device = uniqueId('allowed');
    const allowed = limited.subscribe({ device });
    const forbidden = limited.subscribe({ sensor: uniqueId('secret') });
    const changes: StateChange<SubscriptionState>[] = [];
    forbidden.on('state', (change) => changes.push(change));

    const failure = await rejection(forbidden.ready());
    expect(failure.code).toBe(ErrorCode.FORBIDDEN);
    expect(forbidden.error?.code).toBe(ErrorCode.FORBIDDEN);
    expect(changes).toEqual([{ oldState: 'subscribing', newState: 'error' }]);
    await allowed.ready();
    const data: ServerPayload<'device:data'>[] = [];
    allowed.on('device:data', (payload) => data.push(payload));
    publishDevice(device, { level: 1 });
    await eventually(() => data.length === 1);
  });

  it('delivers the history it asked for, oldest first, before the subscription is subscribed', async () => {
    await gw.gateway.mqtt.whenConnected();
    const publisher: MqttClient = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
    const device = uniqueId('hist');
    try {
      for (const temperature of [10, 11, 12]) {
        await publish(publisher, `devices/${device}/telemetry`, { temperature });
      }
    } finally {
      await publisher.endAsync();
    }
    await eventually(async () => {
      await gw.gateway.store.flush();
      const page = await gw.gateway.store.telemetry({ source: 'device', sourceId: device, limit: 10 });
      return page.items.length === 3;
    });

    const subscription = client.subscribe({ device }, { history: { limit: 2 } });
    const order: string[] = [];
    let history: HistoryEntry[] = [];
    subscription.on('history', (entries) => {
      history = entries;
      order.push('history');
    });
    subscription.on('state', ({ newState }) => order.push(newState));
    await subscription.ready();
    expect(order).toEqual(['history', 'subscribed']);
    expect(history.map((entry) => entry.event)).toEqual(['device:data', 'device:data']);
    expect(history.map((entry) => (entry.payload as ServerPayload<'device:data'>).data.temperature)).toEqual([11, 12]);
  });

  it('unsubscribe() leaves the room and stops delivering; subscribing again makes a new subscription', async () => {
    const device = uniqueId('leave');
    const room = `device:${device}`;
    const subscription = client.subscribe({ device });
    const data: ServerPayload<'device:data'>[] = [];
    subscription.on('device:data', (payload) => data.push(payload));
    await subscription.ready();
    expect(await roomMembers(room)).toBe(1);

    subscription.unsubscribe();
    expect(subscription.state).toBe('unsubscribed');
    await eventually(async () => (await roomMembers(room)) === 0);
    publishDevice(device, { level: 2 });
    await sleep(150);
    expect(data).toEqual([]);

    const again = client.subscribe({ device });
    expect(again).not.toBe(subscription);
    const fresh: ServerPayload<'device:data'>[] = [];
    again.on('device:data', (payload) => fresh.push(payload));
    await again.ready();
    await eventually(() => fresh.length === 1); // the snapshot of the event sent while away
    expect(data).toEqual([]);
  });

  it('refresh() has the gateway send the room’s latest events again', async () => {
    const device = uniqueId('refresh');
    publishDevice(device, { pressure: 3 });
    const subscription = client.subscribe({ device });
    const data: ServerPayload<'device:data'>[] = [];
    subscription.on('device:data', (payload) => data.push(payload));
    await subscription.ready();
    await eventually(() => data.length === 1);

    await expect(client.refresh({ device })).resolves.toEqual({ room: `device:${device}`, emitted: 1 });
    await eventually(() => data.length === 2);
    expect(data[1]).toEqual(data[0]);

    expect((await rejection(client.refresh({ device: uniqueId('other') }))).code).toBe(ErrorCode.NOT_SUBSCRIBED);
    expect((await rejection(client.refresh('device:not valid'))).code).toBe(ErrorCode.INVALID_ROOM);
  });
  it('asks for batches and hands each batched event to its room, in order, as single events', async () => {
    const [first, second] = [uniqueId('burst'), uniqueId('burst')];
    const a = client.subscribe({ device: first });
    const b = client.subscribe({ device: second });
    const seen: string[] = [];
    a.on('device:status', (payload) => seen.push(`${payload.deviceId === first ? 'a' : '?'} ${payload.timestamp}`));
    b.on('device:status', (payload) => seen.push(`${payload.deviceId === second ? 'b' : '?'} ${payload.timestamp}`));
    await Promise.all([a.ready(), b.ready()]);
    const sockets = await gw.gateway.io.fetchSockets();
    expect(sockets.map((socket) => socket.data.batch)).toContain(true);

    const expected: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const timestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
      const [device, label] = i % 3 === 0 ? [second, 'b'] : [first, 'a'];
      gw.gateway.broadcaster.publish(`device:${device}`, 'device:status', {
        deviceId: device,
        online: true,
        timestamp,
      });
      expected.push(`${label} ${timestamp}`);
    }

    await eventually(() => seen.length === expected.length);
    expect(seen).toEqual(expected);
  });
});
