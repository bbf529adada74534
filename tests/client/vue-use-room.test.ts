import { effectScope, nextTick, ref, type EffectScope } from 'vue';
import { createClient, type Alert, type RoomcastClient, type RoomRef } from '@roomcast/client';
import { useRoom } from '@roomcast/client/vue';
import { mintToken, setup, type TestGateway } from '../support/gateway';
import { eventually, uniqueId } from '../support/mqtt';

const now = (): string => new Date().toISOString();

function alert(deviceId: string, alertId: string): Alert {
  return {
    alertId,
    deviceId,
    ruleId: 'r',
    metric: 'temperature',
    severity: 'warning',
    state: 'active',
    comparison: 'gt',
    threshold: 50,
    value: 60,
    message: 'too hot',
    raisedAt: now(),
    updatedAt: now(),
    clearedAt: null,
    acknowledged: false,
    ackUser: null,
    ackReason: null,
    ackAt: null,
  };
}

/** The Vue composable outside any component: an effectScope is all it needs (no DOM). */
describe('useRoom for Vue', () => {
  let gw: TestGateway;
  let client: RoomcastClient;
  const scopes: EffectScope[] = [];

  const inScope = <T>(run: () => T): { value: T; scope: EffectScope } => {
    const scope = effectScope();
    scopes.push(scope);
    return { value: scope.run(run) as T, scope };
  };
  const members = async (room: string): Promise<number> => (await gw.gateway.io.in(room).fetchSockets()).length;

  beforeAll(async () => {
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0' });
    client = createClient({ url: gw.url, token: mintToken() });
    await client.ready();
  });
  afterEach(() => {
    for (const scope of scopes.splice(0)) scope.stop();
  });
  afterAll(async () => {
    client.disconnect();
    await gw.cleanup();
  });

  it("exposes a device's latest data, its alerts (kept up to date by ack_update) and the status as refs", async () => {
    const device = uniqueId('vue-dev');
    const room = `device:${device}` as const;
    gw.gateway.broadcaster.publish(room, 'device:data', {
      deviceId: device,
      data: { temperature: 20 },
      timestamp: now(),
    });
    const { value: view } = inScope(() => useRoom(client, { device }));
    expect(view.status.value).toBe('subscribing');
    expect(view.data.value).toBeNull();

    await eventually(() => view.status.value === 'subscribed' && view.data.value !== null);
    expect(view.data.value?.data).toEqual({ temperature: 20 });

    gw.gateway.broadcaster.publish(room, 'device:data', { deviceId: device, data: { humidity: 30 }, timestamp: now() });
    await eventually(() => view.data.value?.data.humidity === 30);
    expect(view.data.value?.data).toEqual({ temperature: 20, humidity: 30 }); // the gateway merges metrics

    gw.gateway.broadcaster.publish(room, 'device:alerts', { deviceId: device, alerts: [alert(device, 'a-1')] });
    await eventually(() => view.alerts.value.length === 1);
    gw.gateway.broadcaster.publish(room, 'ack_update', {
      kind: 'alert',
      id: 'a-1',
      deviceId: device,
      acknowledged: true,
      ackUser: 'olga',
      ackReason: 'on it',
      ackAt: now(),
    });
    await eventually(() => view.alerts.value[0]?.acknowledged === true);
    expect(view.alerts.value[0]).toMatchObject({ alertId: 'a-1', ackUser: 'olga', ackReason: 'on it' });
  });

  it("lists a characteristic room's violations and marks them acknowledged", async () => {
    const id = uniqueId('vue-chr');
    const room = `characteristic:${id}` as const;
    const { value: view } = inScope(() => useRoom(client, room));
    await eventually(() => view.status.value === 'subscribed');
    gw.gateway.broadcaster.publish(room, 'sample', {
      sampleId: 's-1',
      characteristicId: id,
      timestamp: now(),
      value: 520,
      zone: 'beyond_upper',
      inControl: false,
    });
    gw.gateway.broadcaster.publish(room, 'violation', {
      violationId: 'v-1',
      characteristicId: id,
      sampleId: 's-1',
      ruleId: 1,
      ruleName: 'One point beyond 3 sigma',
      severity: 'CRITICAL',
    });
    await eventually(() => view.alerts.value.length === 1);
    expect(view.data.value).toMatchObject({ sampleId: 's-1', value: 520 });
    expect(view.alerts.value[0]).toMatchObject({ violationId: 'v-1', acknowledged: false, ackUser: null });
    gw.gateway.broadcaster.publish(room, 'ack_update', {
      kind: 'violation',
      id: 'v-1',
      characteristicId: id,
      acknowledged: true,
      ackUser: 'quality',
      ackReason: 'recalibrated',
      ackAt: now(),
    });
    await eventually(() => view.alerts.value[0]?.acknowledged === true);
  });

  it('shares one subscription between scopes and leaves the room when the last scope ends', async () => {
    const device = uniqueId('vue-shared');
    const room = `device:${device}`;
    const first = inScope(() => useRoom(client, { device }));
    const second = inScope(() => useRoom(client, `device:${device}`));
    await eventually(() => first.value.status.value === 'subscribed' && second.value.status.value === 'subscribed');
    expect(await members(room)).toBe(1);

    first.scope.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await members(room)).toBe(1);
    expect(second.value.status.value).toBe('subscribed');

    second.scope.stop();
    await eventually(async () => (await members(room)) === 0);
  });

  it('follows a reactive room: the old room is left and the new one joined', async () => {
    const [a, b] = [uniqueId('vue-a'), uniqueId('vue-b')];
    const target = ref<RoomRef>({ device: a });
    const { value: view } = inScope(() => useRoom(client, target));
    await eventually(() => view.status.value === 'subscribed');
    expect(await members(`device:${a}`)).toBe(1);

    target.value = { device: b };
    await nextTick();
    await eventually(async () => (await members(`device:${b}`)) === 1 && (await members(`device:${a}`)) === 0);
    gw.gateway.broadcaster.publish(`device:${b}`, 'device:data', { deviceId: b, data: { v: 1 }, timestamp: now() });
    // A RoomRef-typed target could be any kind of room, so data is the union of every kind's.
    await eventually(() => {
      const data = view.data.value;
      return data !== null && 'deviceId' in data && data.deviceId === b;
    });
  });

  it('an invalid room shows status error', async () => {
    const { value: view } = inScope(() => useRoom(client, { device: 'not valid' }));
    expect(view.status.value).toBe('error');
  });
});
