import type { MqttClient } from 'mqtt';
import { mintToken, nextEvent, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, MQTT_TEST_URL, publish, purgeSession, uniqueId } from '../support/mqtt';

interface Broker {
  name: string;
  env: () => Record<string, string>;
}

const brokers: Broker[] = [{ name: 'the embedded broker', env: () => ({}) }];
const mosquitto = MQTT_TEST_URL;
if (mosquitto !== null) {
  brokers.push({
    name: 'Mosquitto',
    env: () => ({ MQTT_URL: mosquitto, MQTT_CLIENT_ID: uniqueId('gw') }),
  });
} else {
  describe.skip('ingest through Mosquitto (skipped: MQTT_TEST_URL is not set)', () => {
    it('runs the same specification against Mosquitto', () => undefined);
  });
}

describe.each(brokers)('MQTT ingest through $name', ({ env }) => {
  let gw: TestGateway;
  let publisher: MqttClient;
  let brokerUrl: string;

  beforeAll(async () => {
    gw = await setup({ ...env(), BROADCAST_MIN_INTERVAL_MS: '0' });
    await gw.gateway.mqtt.whenConnected();
    brokerUrl = gw.gateway.config.mqtt.url ?? (gw.gateway.mqtt.embeddedUrl as string);
    publisher = await connectPublisher(brokerUrl);
  });
  afterAll(async () => {
    await publisher.endAsync();
    await gw.cleanup();
    if (gw.gateway.config.mqtt.url !== null) await purgeSession(brokerUrl, gw.gateway.config.mqtt.clientId);
  });

  async function subscribed(room: string) {
    const socket = await gw.connect();
    const ack = await socket.emitWithAck('subscribe', { rooms: [room] });
    expect(ack).toMatchObject({ ok: true });
    return socket;
  }

  it('turns a soil sensor message into sensor_reading in sensor:<id>', async () => {
    const id = uniqueId('soil');
    const socket = await subscribed(`sensor:${id}`);
    const received = nextEvent(socket, 'sensor_reading');
    await publish(publisher, `sensors/${id}/data`, {
      moisture: 31.2,
      temperature: 21.5,
      humidity: 60,
      light: 12000,
      timestamp: '2026-03-01T10:00:00Z',
    });
    expect(await received).toEqual({
      sensorId: id,
      moisture: 31.2,
      temperature: 21.5,
      humidity: 60,
      light: 12000,
      timestamp: '2026-03-01T10:00:00.000Z',
    });
  });

  it('turns device telemetry into device:data in device:<id>', async () => {
    const id = uniqueId('dev');
    const socket = await subscribed(`device:${id}`);
    const received = nextEvent(socket, 'device:data');
    await publish(publisher, `devices/${id}/telemetry`, { temperature: 71.5, running: true, mode: 'auto' });
    const event = await received;
    expect(event).toEqual({
      deviceId: id,
      data: { temperature: 71.5, running: true, mode: 'auto' },
      timestamp: expect.any(String),
    });
    expect(Math.abs(Date.parse(event.timestamp) - Date.now())).toBeLessThan(10_000);
  });

  it('turns a status message into device:status', async () => {
    const id = uniqueId('dev');
    const socket = await subscribed(`device:${id}`);
    const received = nextEvent(socket, 'device:status');
    await publish(publisher, `devices/${id}/status`, 'offline');
    expect(await received).toMatchObject({ deviceId: id, online: false });
  });

  it('normalises a SubTronics detector payload into device:data of its serial number', async () => {
    const serial = uniqueId('ST-4021');
    const socket = await subscribed(`device:${serial}`);
    const received = nextEvent(socket, 'device:data');
    await publish(publisher, 'SubTronics/data', {
      serial_number: serial,
      gas: 'CO',
      concentration: 12.5,
      unit: 'ppm',
      offset: 0.2,
      battery: 87,
      signal_strength: -71,
      alarm_level_1: 35,
      alarm_level_2: 100,
    });
    expect(await received).toMatchObject({
      deviceId: serial,
      data: {
        gas: 'CO',
        concentration: 12.5,
        unit: 'ppm',
        offset: 0.2,
        battery: 87,
        signalStrength: -71,
        alarmLevel1: 35,
        alarmLevel2: 100,
      },
    });
  });

  it('accepts SPC samples and AQI readings for their engines', async () => {
    const before = gw.gateway.ingest.counters();
    await publish(publisher, `spc/${uniqueId('bore')}/samples`, { values: [10.01, 9.98, 10.02] });
    await publish(publisher, `aqi/${uniqueId('city')}/readings`, { pm25: 35.4, o3: 0.061 });
    await eventually(() => gw.gateway.ingest.counters().accepted >= before.accepted + 2);
    expect(gw.gateway.ingest.counters().rejected).toBe(before.rejected);
  });

  it('keeps delivering after bad payloads, counts them per reason and lists them as dead letters', async () => {
    const id = uniqueId('soil');
    const socket = await subscribed(`sensor:${id}`);
    const bad: Array<[string, string | Buffer, string]> = [
      [`sensors/${id}/data`, 'not json {', 'not_json'],
      [
        `sensors/${id}/data`,
        JSON.stringify({ moisture: 'wet', temperature: 1, humidity: 1, light: 1 }),
        'invalid_payload',
      ],
      [
        `sensors/${id}/data`,
        JSON.stringify({ moisture: 140, temperature: 1, humidity: 1, light: 1 }),
        'invalid_payload',
      ],
      [`sensors/${id}/data`, JSON.stringify({ temperature: 1, humidity: 1, light: 1 }), 'invalid_payload'],
      ['sensors/bad%20id/data', JSON.stringify({ moisture: 1, temperature: 1, humidity: 1, light: 1 }), 'invalid_id'],
      [
        `sensors/${id}/data`,
        JSON.stringify({ moisture: 1, temperature: 1, humidity: 1, light: 1, timestamp: '2099-01-01T00:00:00Z' }),
        'timestamp_in_future',
      ],
      [`sensors/${id}/data`, Buffer.from([0xff, 0xfe, 0x00]), 'not_json'],
    ];
    const admin = { Authorization: `Bearer ${mintToken({ role: 'admin' })}` };
    const countsBefore = (await (await fetch(`${gw.url}/ingest/dead-letters`, { headers: admin })).json()) as {
      byReason: Record<string, number>;
    };
    for (const [topic, payload] of bad) await publish(publisher, topic, payload);

    const received = nextEvent(socket, 'sensor_reading');
    await publish(publisher, `sensors/${id}/data`, { moisture: 20, temperature: 19, humidity: 50, light: 0 });
    expect((await received).moisture).toBe(20);

    const report = (await (await fetch(`${gw.url}/ingest/dead-letters`, { headers: admin })).json()) as {
      byReason: Record<string, number>;
      items: Array<{ topic: string; reason: string; message: string }>;
    };
    const expected: Record<string, number> = {};
    for (const [, , reason] of bad) expected[reason] = (expected[reason] ?? 0) + 1;
    for (const [reason, count] of Object.entries(expected)) {
      expect(report.byReason[reason]).toBe((countsBefore.byReason[reason] ?? 0) + count);
    }
    const mine = report.items.filter((item) => item.topic.includes(id) || item.topic === 'sensors/bad%20id/data');
    expect(mine.map((item) => item.reason).sort()).toEqual(bad.map(([, , reason]) => reason).sort());
    for (const item of mine) expect(item.message.length).toBeGreaterThan(5);
  });

  it('dead-letters a topic with an empty level as unknown_topic and keeps its own connection', async () => {
    const before = gw.gateway.ingest.counters();
    const rogue = await connectPublisher(brokerUrl);
    // The embedded broker refuses such a topic (and drops the publisher); Mosquitto delivers it.
    await rogue.publishAsync('sensors//data', '{}', { qos: 0 });
    await eventually(() => gw.gateway.ingest.counters().rejected === before.rejected + 1);
    await rogue.endAsync(true);
    expect(gw.gateway.mqtt.health()).toMatchObject({ status: 'up', state: 'connected' });
    const admin = { Authorization: `Bearer ${mintToken({ role: 'admin' })}` };
    const report = (await (await fetch(`${gw.url}/ingest/dead-letters?limit=5`, { headers: admin })).json()) as {
      items: Array<{ topic: string; reason: string }>;
    };
    expect(report.items.find((item) => item.topic === 'sensors//data')?.reason).toBe('unknown_topic');
  });

  it('rejects a payload over MQTT_MAX_PAYLOAD_BYTES', async () => {
    const before = gw.gateway.ingest.counters();
    await publish(publisher, `devices/${uniqueId('dev')}/telemetry`, { blob: 'x'.repeat(70_000) });
    await eventually(() => gw.gateway.ingest.counters().rejected === before.rejected + 1);
  });

  it('shows the mqtt component as up in /health', async () => {
    const body = (await (await fetch(`${gw.url}/health`)).json()) as { status: string; components: { mqtt: object } };
    expect(body.components.mqtt).toMatchObject({ status: 'up', state: 'connected' });
    expect(body.status).toBe('ok');
  });
});

describe('GET /ingest/dead-letters', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
  });
  afterAll(() => gw.cleanup());

  it('is for admins only', async () => {
    const viewer = await fetch(`${gw.url}/ingest/dead-letters`, {
      headers: { Authorization: `Bearer ${mintToken({ role: 'operator' })}` },
    });
    expect(viewer.status).toBe(403);
    expect(((await viewer.json()) as { error: { code: string } }).error.code).toBe('FORBIDDEN');
    expect((await fetch(`${gw.url}/ingest/dead-letters`)).status).toBe(401);
  });

  it('validates its query', async () => {
    const response = await fetch(`${gw.url}/ingest/dead-letters?limit=-3`, {
      headers: { Authorization: `Bearer ${mintToken({ role: 'admin' })}` },
    });
    expect(response.status).toBe(400);
  });
});
