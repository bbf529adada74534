import type { MqttClient } from 'mqtt';
import type { DeviceDataPayload } from '@roomcast/shared';
import { collect, mintToken, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';
import { createTestSchema, PG_TEST_URL, type TestSchema } from '../support/postgres';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

interface StoreHealth {
  status: string;
  failedWrites?: number;
  pendingWrites?: number;
}

const describeWithPostgres = PG_TEST_URL !== null ? describe : describe.skip;

describeWithPostgres(
  `when PostgreSQL becomes unreachable${PG_TEST_URL === null ? ' (skipped: PG_TEST_URL is not set)' : ''}`,
  () => {
    let schema: TestSchema;
    let proxy: TcpProxy;
    let gw: TestGateway;
    let publisher: MqttClient;

    beforeAll(async () => {
      const base = new URL(PG_TEST_URL as string);
      schema = await createTestSchema(base.toString());
      proxy = await startTcpProxy(base.hostname, Number(base.port || 5432));
      const viaProxy = new URL(schema.url);
      viaProxy.hostname = '127.0.0.1';
      viaProxy.port = String(proxy.port);
      gw = await setup({
        DATABASE_URL: viaProxy.toString(),
        BROADCAST_MIN_INTERVAL_MS: '0',
        STORE_FLUSH_INTERVAL_MS: '50',
      });
      await gw.gateway.mqtt.whenConnected();
      publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
    });
    afterAll(async () => {
      await publisher.endAsync();
      await gw.cleanup();
      await proxy.close();
      await schema.drop();
    });

    const storeHealth = async (): Promise<StoreHealth> =>
      ((await (await fetch(`${gw.url}/health`)).json()) as { components: { store: StoreHealth } }).components.store;

    it('keeps delivering, reports degraded with failed writes, and writes everything once it is back', async () => {
      const deviceId = uniqueId('dev');
      const socket = await gw.connect();
      await socket.emitWithAck('subscribe', { rooms: [`device:${deviceId}`] });
      const live = collect(socket, 'device:data');

      proxy.cut();
      for (let n = 1; n <= 5; n += 1) await publish(publisher, `devices/${deviceId}/telemetry`, { n });
      await eventually(() => live.length === 5);
      expect(live.map((event) => event.data.n)).toEqual([1, 2, 3, 4, 5]);

      const away = await eventually(async () => {
        const health = await storeHealth();
        return health.status !== 'up' && (health.failedWrites ?? 0) > 0 ? health : undefined;
      }, 15_000);
      expect(away.pendingWrites).toBeGreaterThan(0);
      expect(((await (await fetch(`${gw.url}/health`)).json()) as { status: string }).status).toBe('degraded');
      expect(await socket.emitWithAck('ping')).toMatchObject({ ok: true });

      proxy.restore();
      await eventually(async () => (await storeHealth()).status === 'up', 30_000);
      await gw.gateway.store.flush();
      const history = (await (
        await fetch(`${gw.url}/devices/${deviceId}/telemetry?limit=100`, {
          headers: { Authorization: `Bearer ${mintToken({ role: 'viewer' })}` },
        })
      ).json()) as { items: DeviceDataPayload[] };
      expect(history.items.map((point) => point.data.n)).toEqual([1, 2, 3, 4, 5]);
    }, 60_000);

    it('answers an acknowledgement it cannot commit with 503 UNAVAILABLE instead of pretending', async () => {
      proxy.cut();
      try {
        const response = await fetch(`${gw.url}/devices/any/alerts/some-alert/acknowledge`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${mintToken({ role: 'operator' })}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ reason: 'checking' }),
        });
        expect(response.status).toBe(503);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
      } finally {
        proxy.restore();
      }
    }, 30_000);
  },
);
