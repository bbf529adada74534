import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import type { DeviceDataPayload, SensorReadingPayload } from '@roomcast/shared';
import { mintToken, nextEvent, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';
import { reportSkippedPostgres, storeBackends } from '../support/postgres';

const viewer = (rooms?: string[]) => ({
  Authorization: `Bearer ${mintToken({ role: 'viewer', ...(rooms ? { rooms } : {}) })}`,
});
const at = (second: number) => new Date(Date.UTC(2026, 4, 1, 12, 0, second)).toISOString();

reportSkippedPostgres('telemetry history');

describe.each(storeBackends())('telemetry history on $name', (backend) => {
  let gw: TestGateway;
  let publisher: MqttClient;
  let cleanupBackend: () => Promise<void>;
  const deviceId = uniqueId('dev');
  const sensorId = uniqueId('soil');

  beforeAll(async () => {
    const prepared = await backend.prepare();
    cleanupBackend = prepared.cleanup;
    gw = await setup({ ...prepared.env, BROADCAST_MIN_INTERVAL_MS: '0' });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
    for (let second = 1; second <= 7; second += 1) {
      await publish(publisher, `devices/${deviceId}/telemetry`, { rpm: second * 100, timestamp: at(second) });
      await publish(publisher, `sensors/${sensorId}/data`, {
        moisture: second,
        temperature: 20,
        humidity: 50,
        light: 10,
        timestamp: at(second),
      });
    }
    await eventually(() => gw.gateway.ingest.counters().accepted >= 14);
    await gw.gateway.store.flush();
  });
  afterAll(async () => {
    await publisher.endAsync();
    await gw.cleanup();
    await cleanupBackend();
  });

  it('answers the latest point of a device and of a sensor', async () => {
    const device = await fetch(`${gw.url}/devices/${deviceId}/telemetry/latest`, { headers: viewer() });
    expect(await device.json()).toEqual({ deviceId, data: { rpm: 700 }, timestamp: at(7) });
    const sensor = await fetch(`${gw.url}/sensors/${sensorId}/latest`, { headers: viewer() });
    expect(((await sensor.json()) as SensorReadingPayload).moisture).toBe(7);
    expect((await fetch(`${gw.url}/devices/never-seen/telemetry/latest`, { headers: viewer() })).status).toBe(404);
  });

  it('pages through a time range with a cursor, every point exactly once', async () => {
    const seen: DeviceDataPayload[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `from=${at(2)}&to=${at(6)}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (
        await fetch(`${gw.url}/devices/${deviceId}/telemetry?${query}`, { headers: viewer() })
      ).json()) as {
        items: DeviceDataPayload[];
        nextCursor: string | null;
      };
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen.map((point) => point.data.rpm)).toEqual([200, 300, 400, 500, 600]);

    const readings = (await (
      await fetch(`${gw.url}/sensors/${sensorId}/readings?limit=3&order=desc`, { headers: viewer() })
    ).json()) as {
      items: SensorReadingPayload[];
    };
    expect(readings.items.map((reading) => reading.moisture)).toEqual([7, 6, 5]);
  });

  it('validates queries and keeps to the token rooms', async () => {
    for (const query of [
      'limit=0',
      'limit=5000',
      'from=yesterday',
      'from=2026-05-01T12:00:00',
      'cursor=%%%',
      'order=sideways',
    ]) {
      const response = await fetch(`${gw.url}/devices/${deviceId}/telemetry?${query}`, { headers: viewer() });
      expect([query, response.status]).toEqual([query, 400]);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
    }
    expect((await fetch(`${gw.url}/devices/${deviceId}/telemetry`, { headers: viewer(['sensor:*']) })).status).toBe(
      403,
    );
    expect((await fetch(`${gw.url}/devices/bad%20id/telemetry`, { headers: viewer() })).status).toBe(400);
  });

  it('returns recent points with the subscribe ack when history is asked for', async () => {
    const socket = await gw.connect();
    const ack = await socket.emitWithAck('subscribe', {
      rooms: [`device:${deviceId}`, `sensor:${sensorId}`, 'location:delhi'],
      history: { limit: 3 },
    });
    if (!('joined' in ack)) throw new Error(ack.message);
    expect(
      ack.history?.[`device:${deviceId}`]?.map((entry) => [entry.event, (entry.payload as DeviceDataPayload).data.rpm]),
    ).toEqual([
      ['device:data', 500],
      ['device:data', 600],
      ['device:data', 700],
    ]);
    expect(ack.history?.[`sensor:${sensorId}`]?.map((entry) => entry.event)).toEqual([
      'sensor_reading',
      'sensor_reading',
      'sensor_reading',
    ]);
    expect(ack.history?.['location:delhi']).toEqual([]);

    const since = await socket.emitWithAck('subscribe', { rooms: [`device:${deviceId}`], history: { since: at(6) } });
    if (!('joined' in since)) throw new Error(since.message);
    expect(
      since.history?.[`device:${deviceId}`]?.map((entry) => (entry.payload as DeviceDataPayload).timestamp),
    ).toEqual([at(6), at(7)]);

    const bad = await socket.emitWithAck('subscribe', { rooms: [`device:${deviceId}`], history: { limit: 0 } });
    expect(bad).toMatchObject({ ok: false, code: 'BAD_REQUEST' });
  });
});

describe('snapshots survive a restart', () => {
  it('replays the latest events a previous run stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'roomcast-restart-'));
    try {
      const deviceId = uniqueId('dev');
      const first = await setup({ DATA_DIR: dataDir, BROADCAST_MIN_INTERVAL_MS: '0' });
      await first.gateway.mqtt.whenConnected();
      const publisher = await connectPublisher(first.gateway.mqtt.embeddedUrl as string);
      await publish(publisher, `devices/${deviceId}/telemetry`, { pressure: 1013 });
      await publish(publisher, `devices/${deviceId}/status`, 'online');
      await publisher.endAsync();
      await eventually(() => first.gateway.ingest.counters().accepted >= 2);
      await first.cleanup();

      const second = await setup({ DATA_DIR: dataDir });
      try {
        const socket = await second.connect();
        const data = nextEvent(socket, 'device:data');
        const status = nextEvent(socket, 'device:status');
        await socket.emitWithAck('subscribe', { rooms: [`device:${deviceId}`] });
        expect((await data).data).toEqual({ pressure: 1013 });
        expect((await status).online).toBe(true);
      } finally {
        await second.cleanup();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
