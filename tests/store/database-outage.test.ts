import type { MqttClient } from 'mqtt';
import type { DeviceDataPayload, ViolationRecord } from '@roomcast/shared';
import { collect, createCharacteristic, jsonHeaders, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';
import { createTestSchema, PG_TEST_URL, type TestSchema } from '../support/postgres';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';

interface StoreHealth {
  status: string;
  failedWrites?: number;
  pendingWrites?: number;
  pendingSamples?: number;
  rejectedSamples?: number;
}

const describeWithPostgres = PG_TEST_URL !== null ? describe : describe.skip;

describeWithPostgres(
  `when PostgreSQL becomes unreachable${PG_TEST_URL === null ? ' (skipped: PG_TEST_URL is not set)' : ''}`,
  () => {
    let schema: TestSchema;
    let proxy: TcpProxy;
    let gw: TestGateway;
    let publisher: MqttClient;
    let viaProxy: URL;

    beforeAll(async () => {
      const base = new URL(PG_TEST_URL as string);
      schema = await createTestSchema(base.toString());
      proxy = await startTcpProxy(base.hostname, Number(base.port || 5432));
      viaProxy = new URL(schema.url);
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
          headers: jsonHeaders('viewer'),
        })
      ).json()) as { items: DeviceDataPayload[] };
      expect(history.items.map((point) => point.data.n)).toEqual([1, 2, 3, 4, 5]);
    }, 60_000);

    it('answers an acknowledgement it cannot commit with 503 UNAVAILABLE instead of pretending', async () => {
      proxy.cut();
      try {
        const response = await fetch(`${gw.url}/devices/any/alerts/some-alert/acknowledge`, {
          method: 'POST',
          headers: jsonHeaders('operator'),
          body: JSON.stringify({ reason: 'checking' }),
        });
        expect(response.status).toBe(503);
        expect(((await response.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
      } finally {
        proxy.restore();
      }
    }, 30_000);

    it('holds SPC samples, in order, while it is away, then stores, charts and broadcasts each one once', async () => {
      const id = uniqueId('fill');
      const created = await createCharacteristic(gw.url, id, {
        name: 'Fill',
        unit: 'g',
        chart: 'individuals',
        limits: { centre: 500, ucl: 503, lcl: 497 },
      });
      expect(created.status).toBe(201);
      const socket = await gw.connect();
      await socket.emitWithAck('subscribe', { rooms: [`characteristic:${id}`] });
      const samples = collect(socket, 'sample');
      const violations = collect(socket, 'violation');
      const rejectedBefore = (await storeHealth()).rejectedSamples ?? 0;

      proxy.cut();
      const values = [500.5, 499.8, 510, 500.1]; // 510 is beyond the upper limit: a rule 1 violation
      for (const value of values) await publish(publisher, `spc/${id}/samples`, { value });
      await eventually(async () => {
        const health = await storeHealth();
        return health.status !== 'up' && health.pendingSamples === values.length;
      }, 15_000);
      expect(samples).toHaveLength(0);

      proxy.restore();
      await eventually(() => samples.length === values.length, 30_000);
      expect(samples.map((sample) => sample.value)).toEqual(values);
      expect(violations).toHaveLength(1);
      expect(violations[0]).toMatchObject({ ruleId: 1, sampleId: samples[2]?.sampleId });
      const health = await storeHealth();
      expect(health.pendingSamples).toBe(0);
      expect(health.rejectedSamples).toBe(rejectedBefore);

      const stored = (await (
        await fetch(`${gw.url}/characteristics/${id}/samples?limit=10`, { headers: jsonHeaders('viewer') })
      ).json()) as { items: Array<{ sampleId: string }> };
      expect(stored.items.map((sample) => sample.sampleId).sort()).toEqual(
        samples.map((sample) => sample.sampleId).sort(),
      );
      const storedViolations = (await (
        await fetch(`${gw.url}/characteristics/${id}/violations`, { headers: jsonHeaders('viewer') })
      ).json()) as { items: ViolationRecord[] };
      expect(storedViolations.items.map((violation) => violation.violationId)).toEqual([violations[0]?.violationId]);
    }, 60_000);

    it('keeps at most STORE_MAX_PENDING SPC samples waiting, and gives up on those when it stops', async () => {
      const small = await setup({ DATABASE_URL: viaProxy.toString(), STORE_MAX_PENDING: '2' });
      let stopped = false;
      try {
        await small.gateway.mqtt.whenConnected();
        const devices = await connectPublisher(small.gateway.mqtt.embeddedUrl as string);
        proxy.cut();
        const id = uniqueId('line');
        for (let n = 1; n <= 5; n += 1) await publish(devices, `spc/${id}/samples`, { value: n });
        await devices.endAsync();
        const waiting = await eventually(() => {
          const counters = small.gateway.spc.counters();
          return counters.droppedSamples === 3 ? counters : undefined;
        }, 15_000);
        expect(waiting).toMatchObject({ pendingSamples: 2, rejectedSamples: 0 });

        await small.gateway.spc.stop();
        stopped = true;
        expect(small.gateway.spc.counters()).toMatchObject({
          pendingSamples: 0,
          rejectedSamples: 2,
          droppedSamples: 3,
        });
      } finally {
        proxy.restore();
        if (!stopped) await small.gateway.spc.stop();
        await small.cleanup();
      }
    }, 60_000);
  },
);
