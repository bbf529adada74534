import { createServer, type Server } from 'node:net';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../server/src/mqtt/embedded-broker';
import { mintToken, nextEvent, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, MQTT_TEST_URL, publish, purgeSession, uniqueId } from '../support/mqtt';

interface HealthBody {
  status: string;
  components: { mqtt: { status: string; state: string } };
}

async function health(gw: TestGateway): Promise<HealthBody> {
  return (await (await fetch(`${gw.url}/health`)).json()) as HealthBody;
}

const fastReconnect = { MQTT_RECONNECT_MIN_MS: '20', MQTT_RECONNECT_MAX_MS: '200' };

describe('the embedded broker', () => {
  let holder: Server;
  let port: number;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('refuses to start when its port is taken, and says how to use the broker that holds it', async () => {
    await expect(setup({ MQTT_EMBEDDED_PORT: String(port) })).rejects.toThrow(
      `MQTT_EMBEDDED_PORT ${port} is already in use on 127.0.0.1: another MQTT broker is probably running there. ` +
        `To use it, set MQTT_URL=mqtt://127.0.0.1:${port}; or set MQTT_EMBEDDED_PORT to a free port.`,
    );
  });

  it('requires the configured credentials from devices when they are set', async () => {
    const gw = await setup({ MQTT_USERNAME: 'gateway', MQTT_PASSWORD: 'pa55word-long' });
    try {
      await gw.gateway.mqtt.whenConnected();
      const url = gw.gateway.mqtt.embeddedUrl as string;
      await expect(connectPublisher(url)).rejects.toThrow(/Not authorized|Bad username or password/i);
    } finally {
      await gw.cleanup();
    }
  });
});

describe('when the broker goes away and comes back', () => {
  let broker: EmbeddedBroker;
  let gw: TestGateway;

  beforeEach(async () => {
    broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, credentials: null });
    gw = await setup({ MQTT_URL: broker.url, BROADCAST_MIN_INTERVAL_MS: '0', ...fastReconnect });
    await gw.gateway.mqtt.whenConnected();
  });
  afterEach(async () => {
    await gw.cleanup();
    await broker.close();
  });

  it('keeps serving sockets, reports degraded, then reconnects, resubscribes and resumes', async () => {
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: ['device:pump-1'] });

    await broker.close();
    await eventually(async () => (await health(gw)).components.mqtt.status !== 'up');
    const away = await health(gw);
    expect(away.status).toBe('degraded');
    expect(['reconnecting', 'down']).toContain(away.components.mqtt.state);
    expect(await socket.emitWithAck('ping')).toMatchObject({ ok: true });

    // A new broker on the same port has no memory of the session: the gateway must subscribe again.
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: Number(new URL(broker.url).port),
      credentials: null,
    });
    await eventually(async () => (await health(gw)).components.mqtt.state === 'connected');
    expect((await health(gw)).status).toBe('ok');

    const publisher = await connectPublisher(broker.url);
    const received = nextEvent(socket, 'device:data');
    await eventually(async () => {
      await publish(publisher, 'devices/pump-1/telemetry', { flow: 12.5 });
      return true;
    });
    expect((await received).data).toEqual({ flow: 12.5 });
    await publisher.endAsync();
  });

  it('reports down after several failed attempts in a row', async () => {
    await broker.close();
    await eventually(async () => (await health(gw)).components.mqtt.state === 'down', 10_000);
    broker = await startEmbeddedBroker({
      host: '127.0.0.1',
      port: Number(new URL(broker.url).port),
      credentials: null,
    });
    await eventually(async () => (await health(gw)).components.mqtt.state === 'connected', 10_000);
  });
});

interface PersistentBroker {
  name: string;
  start(): Promise<{ url: string; close(): Promise<void> }>;
}

const persistentBrokers: PersistentBroker[] = [
  {
    name: 'a standalone aedes broker',
    start: () => startEmbeddedBroker({ host: '127.0.0.1', port: 0, credentials: null }),
  },
];
const mosquittoUrl = MQTT_TEST_URL;
if (mosquittoUrl !== null) {
  persistentBrokers.push({
    name: 'Mosquitto',
    start: async () => ({ url: mosquittoUrl, close: async () => undefined }),
  });
} else {
  describe.skip('persistent sessions on Mosquitto (skipped: MQTT_TEST_URL is not set)', () => {
    it('delivers what was published while the gateway was stopped', () => undefined);
  });
}

describe.each(persistentBrokers)('a persistent session on $name', ({ start }) => {
  let broker: { url: string; close(): Promise<void> };
  let clientId: string;
  let dir: string;
  beforeEach(async () => {
    broker = await start();
    clientId = uniqueId('gw-persist');
    dir = mkdtempSync(join(tmpdir(), 'roomcast-routes-'));
  });
  afterEach(async () => {
    await purgeSession(broker.url, clientId);
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers QoS 1 messages published while the gateway was stopped once it restarts with the same client id', async () => {
    const sensorId = uniqueId('soil');
    const first = await setup({ MQTT_URL: broker.url, MQTT_CLIENT_ID: clientId, BROADCAST_MIN_INTERVAL_MS: '0' });
    await first.gateway.mqtt.whenConnected();
    await first.cleanup();

    const publisher = await connectPublisher(broker.url);
    await publish(publisher, `sensors/${sensorId}/data`, { moisture: 42, temperature: 18, humidity: 70, light: 5 });
    await publisher.endAsync();

    const second = await setup({ MQTT_URL: broker.url, MQTT_CLIENT_ID: clientId, BROADCAST_MIN_INTERVAL_MS: '0' });
    try {
      await second.gateway.mqtt.whenConnected();
      await eventually(() => second.gateway.ingest.counters().accepted >= 1);
      const socket = await second.connect();
      const snapshot = nextEvent(socket, 'sensor_reading');
      await socket.emitWithAck('subscribe', { rooms: [`sensor:${sensorId}`] });
      expect(await snapshot).toMatchObject({ sensorId, moisture: 42 });
    } finally {
      await second.cleanup();
    }
  });

  it('dead-letters messages on topics a previous routes file subscribed to as unknown_topic', async () => {
    const routesFile = join(dir, 'routes.json');
    const legacyPrefix = uniqueId('legacy');
    writeFileSync(
      routesFile,
      JSON.stringify({ routes: [{ topic: `${legacyPrefix}/{deviceId}/telemetry`, normaliser: 'device-telemetry' }] }),
    );
    const first = await setup({ MQTT_URL: broker.url, MQTT_CLIENT_ID: clientId, MQTT_ROUTES_FILE: routesFile });
    await first.gateway.mqtt.whenConnected();
    await first.cleanup();

    const second = await setup({ MQTT_URL: broker.url, MQTT_CLIENT_ID: clientId });
    try {
      await second.gateway.mqtt.whenConnected();
      const publisher = await connectPublisher(broker.url);
      await publish(publisher, `${legacyPrefix}/d1/telemetry`, { t: 1 });
      await publisher.endAsync();
      const admin = { Authorization: `Bearer ${mintToken({ role: 'admin' })}` };
      const report = await eventually(async () => {
        const body = (await (await fetch(`${second.url}/ingest/dead-letters`, { headers: admin })).json()) as {
          items: Array<{ topic: string; reason: string }>;
        };
        return body.items.find((item) => item.topic === `${legacyPrefix}/d1/telemetry`);
      });
      expect(report.reason).toBe('unknown_topic');
    } finally {
      await second.cleanup();
    }
  });
});

const describeShared = mosquittoUrl !== null ? describe : describe.skip;
describeShared(
  `shared subscriptions with MQTT_SHARED_GROUP${mosquittoUrl === null ? ' (skipped: MQTT_TEST_URL is not set)' : ''}`,
  () => {
    it('splits the stream between gateways of one group: each message reaches exactly one', async () => {
      const url = mosquittoUrl as string;
      const group = uniqueId('grp');
      const ids = [uniqueId('gw-a'), uniqueId('gw-b')];
      const gateways = await Promise.all(
        ids.map((id) =>
          setup({ MQTT_URL: url, MQTT_CLIENT_ID: id, MQTT_SHARED_GROUP: group, BROADCAST_MIN_INTERVAL_MS: '0' }),
        ),
      );
      try {
        await Promise.all(gateways.map((gw) => gw.gateway.mqtt.whenConnected()));
        const deviceId = uniqueId('shared-dev');
        // Count what each gateway broadcasts for this device only: the shared broker carries other traffic too.
        const seen = await Promise.all(
          gateways.map(async (gw) => {
            const socket = await gw.connect();
            await socket.emitWithAck('subscribe', { rooms: [`device:${deviceId}`] });
            const values: number[] = [];
            socket.on('device:data', (event) => values.push(Number(event.data.seq)));
            return { socket, values };
          }),
        );
        const publisher = await connectPublisher(url);
        for (let i = 0; i < 20; i += 1) await publish(publisher, `devices/${deviceId}/telemetry`, { seq: i });
        await publisher.endAsync();
        const [a, b] = seen.map((entry) => entry.values) as [number[], number[]];
        await eventually(() => a.length + b.length >= 20);
        // A round trip on each socket, so that a duplicate still in flight would be counted too.
        await Promise.all(seen.map((entry) => entry.socket.emitWithAck('ping')));
        expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
        expect(a.length).toBeGreaterThan(0);
        expect(b.length).toBeGreaterThan(0);
      } finally {
        await Promise.all(gateways.map((gw) => gw.cleanup()));
        await Promise.all(ids.map((id) => purgeSession(url, id)));
      }
    });
  },
);
