import type { MqttClient } from 'mqtt';
import { collect, nextEvent, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';

const INTERVAL_MS = 400;

describe('per-room broadcast throttle', () => {
  let gw: TestGateway;
  let publisher: MqttClient;
  beforeAll(async () => {
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: String(INTERVAL_MS) });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
  });
  afterAll(async () => {
    await publisher.endAsync();
    await gw.cleanup();
  });

  async function member(room: string) {
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [room] });
    return socket;
  }

  it('sends the first value of a burst at once and the last value when the window ends', async () => {
    const id = uniqueId('dev');
    const socket = await member(`device:${id}`);
    const events = collect(socket, 'device:data');
    const times: number[] = [];
    socket.on('device:data', () => times.push(Date.now()));

    for (let value = 1; value <= 5; value += 1) await publish(publisher, `devices/${id}/telemetry`, { value });
    await eventually(() => events.length >= 2, 3000);
    // Nothing else may follow: wait past another full window, then look again.
    await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS + 100));

    expect(events.map((event) => event.data.value)).toEqual([1, 5]);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(INTERVAL_MS - 50);
  });

  it('merges metrics reported in separate messages within a window', async () => {
    const id = uniqueId('dev');
    const socket = await member(`device:${id}`);
    const events = collect(socket, 'device:data');
    await publish(publisher, `devices/${id}/telemetry`, { temperature: 20 });
    await publish(publisher, `devices/${id}/telemetry`, { humidity: 40 });
    await publish(publisher, `devices/${id}/telemetry`, { temperature: 21 });
    await eventually(() => events.length >= 2, 3000);
    expect(events[0]!.data).toEqual({ temperature: 20 });
    expect(events[1]!.data).toEqual({ temperature: 21, humidity: 40 });
  });

  it('keeps the latest value for snapshots even while the broadcast waits for its window', async () => {
    const id = uniqueId('soil');
    const watcher = await member(`sensor:${id}`);
    const first = nextEvent(watcher, 'sensor_reading');
    for (const moisture of [10, 11, 12]) {
      await publish(publisher, `sensors/${id}/data`, { moisture, temperature: 20, humidity: 50, light: 100 });
    }
    await first;
    await eventually(async () => {
      const late = await gw.connect();
      const snapshot = nextEvent(late, 'sensor_reading');
      await late.emitWithAck('subscribe', { rooms: [`sensor:${id}`] });
      const reading = await snapshot;
      late.disconnect();
      return reading.moisture === 12;
    });
  });

  it('never throttles status changes', async () => {
    const id = uniqueId('dev');
    const socket = await member(`device:${id}`);
    const statuses = collect(socket, 'device:status');
    for (const state of ['online', 'offline', 'online']) await publish(publisher, `devices/${id}/status`, state);
    await eventually(() => statuses.length === 3, 3000);
    expect(statuses.map((status) => status.online)).toEqual([true, false, true]);
  });

  it('reports a throttled room to different rooms independently', async () => {
    const [a, b] = [uniqueId('dev'), uniqueId('dev')];
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`device:${a}`, `device:${b}`] });
    const events = collect(socket, 'device:data');
    await publish(publisher, `devices/${a}/telemetry`, { v: 1 });
    await publish(publisher, `devices/${b}/telemetry`, { v: 2 });
    await eventually(() => events.length === 2, 1000);
    expect(events.map((event) => event.deviceId).sort()).toEqual([a, b].sort());
  });
});

describe('timestamps', () => {
  let gw: TestGateway;
  let publisher: MqttClient;
  beforeAll(async () => {
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0', INGEST_MAX_FUTURE_MS: '60000' });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
  });
  afterAll(async () => {
    await publisher.endAsync();
    await gw.cleanup();
  });

  it('does not broadcast a message older than the room latest, so a dashboard never steps back', async () => {
    const id = uniqueId('soil');
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`sensor:${id}`] });
    const readings = collect(socket, 'sensor_reading');
    const at = (iso: string, moisture: number) => ({ moisture, temperature: 1, humidity: 1, light: 1, timestamp: iso });
    await publish(publisher, `sensors/${id}/data`, at('2026-05-01T10:00:02Z', 2));
    await publish(publisher, `sensors/${id}/data`, at('2026-05-01T10:00:01Z', 1));
    await publish(publisher, `sensors/${id}/data`, at('2026-05-01T10:00:03Z', 3));
    await eventually(() => readings.length >= 2);
    await socket.emitWithAck('ping');
    expect(readings.map((reading) => reading.moisture)).toEqual([2, 3]);
    const refreshed = collect(socket, 'sensor_reading');
    await socket.emitWithAck('refresh', { room: `sensor:${id}` });
    expect(refreshed.at(-1)?.moisture).toBe(3);
  });

  it('accepts a timestamp slightly ahead of the gateway clock and rejects one beyond INGEST_MAX_FUTURE_MS', async () => {
    const id = uniqueId('soil');
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`sensor:${id}`] });
    const readings = collect(socket, 'sensor_reading');
    const before = gw.gateway.ingest.counters();
    const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();
    await publish(publisher, `sensors/${id}/data`, {
      moisture: 5,
      temperature: 1,
      humidity: 1,
      light: 1,
      timestamp: ahead(120_000),
    });
    await publish(publisher, `sensors/${id}/data`, {
      moisture: 6,
      temperature: 1,
      humidity: 1,
      light: 1,
      timestamp: ahead(10_000),
    });
    await eventually(() => readings.length === 1);
    expect(readings[0]!.moisture).toBe(6);
    expect(gw.gateway.ingest.counters().rejected).toBe(before.rejected + 1);
  });
});
