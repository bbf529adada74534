import type { MqttClient } from 'mqtt';
import type { AqiUpdatePayload } from '@roomcast/shared';
import { collect, mintToken, nextEvent, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';

const viewer = { Authorization: `Bearer ${mintToken({ role: 'viewer' })}` };

describe('AQI end to end', () => {
  let gw: TestGateway;
  let publisher: MqttClient;
  beforeAll(async () => {
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0', AQI_REFRESH_INTERVAL_MS: '300' });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
  });
  afterAll(async () => {
    await publisher.endAsync();
    await gw.cleanup();
  });

  it('turns a reading into aqi_update in location:<name>, stored and served over REST', async () => {
    const city = uniqueId('delhi');
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`location:${city.toUpperCase()}`] });
    const update = nextEvent(socket, 'aqi_update');
    await publish(publisher, `aqi/${city}/readings`, {
      pm25: 35.5,
      pm10: 80,
      o3: 0.062,
      timestamp: '2026-05-01T08:00:00Z',
    });
    // PM2.5 35.5 → 101 (first point of the 101–150 band); PM10 80 → (100−51)/(154−55)·(80−55)+51 = 63.4 → 63;
    // O3 0.062 → (100−51)/(0.070−0.055)·(0.062−0.055)+51 = 73.9 → 74.
    expect(await update).toEqual({
      location: city,
      aqi: { value: 101, category: 'Unhealthy for Sensitive Groups', color: '#FF7E00', dominantPollutant: 'pm25' },
      pollutants: {
        pm25: { concentration: 35.5, aqi: 101 },
        pm10: { concentration: 80, aqi: 63 },
        o3: { concentration: 0.062, aqi: 74 },
      },
      timestamp: '2026-05-01T08:00:00.000Z',
    });

    await gw.gateway.aqi.drain();
    const latest = (await (
      await fetch(`${gw.url}/locations/${city}/aqi`, { headers: viewer })
    ).json()) as AqiUpdatePayload;
    expect(latest.aqi.value).toBe(101);
    const locations = (await (await fetch(`${gw.url}/locations`, { headers: viewer })).json()) as Array<{
      location: string;
    }>;
    expect(locations.some((entry) => entry.location === city)).toBe(true);
    await publish(publisher, `aqi/${city}/readings`, { pm25: 5, timestamp: '2026-05-01T09:00:00Z' });
    await eventually(async () => {
      const history = (await (await fetch(`${gw.url}/locations/${city}/aqi/history`, { headers: viewer })).json()) as {
        items: AqiUpdatePayload[];
      };
      return history.items.length === 2 ? history.items : undefined;
    }).then((items) => expect(items.map((item) => item.aqi.value)).toEqual([28, 101]));
    expect((await fetch(`${gw.url}/locations/nowhere-${city}/aqi`, { headers: viewer })).status).toBe(404);
  });

  it('broadcasts the latest AQI again every AQI_REFRESH_INTERVAL_MS to rooms with subscribers', async () => {
    const city = uniqueId('pune');
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`location:${city}`] });
    const updates = collect(socket, 'aqi_update');
    await publish(publisher, `aqi/${city}/readings`, { no2: 120 });
    await eventually(() => updates.length >= 3, 3000);
    expect(new Set(updates.map((u) => u.timestamp)).size).toBe(1);
    expect(updates.every((u) => u.aqi.value === updates[0]?.aqi.value)).toBe(true);
  });

  it('answers refresh at once with the latest AQI', async () => {
    const city = uniqueId('lima');
    await publish(publisher, `aqi/${city}/readings`, { co: 10 });
    await gw.gateway.aqi.drain();
    await eventually(() => gw.gateway.broadcaster.latestOf(`location:${city}`, 'aqi_update'));
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`location:${city}`] });
    const refreshed = nextEvent(socket, 'aqi_update');
    expect(await socket.emitWithAck('refresh', { room: `location:${city}` })).toMatchObject({ ok: true, emitted: 1 });
    // CO 10.0 → (150−101)/(12.4−9.5)·(10.0−9.5)+101 = 109.4 → 109.
    expect((await refreshed).pollutants.co).toEqual({ concentration: 10, aqi: 109 });
  });
});
