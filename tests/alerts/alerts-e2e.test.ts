import type { MqttClient } from 'mqtt';
import type { Alert, DeviceAlertsPayload } from '@roomcast/shared';
import {
  collect,
  jsonHeaders,
  mintToken,
  nextEvent,
  setup,
  type ClientSocket,
  type TestGateway,
} from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';
import { reportSkippedPostgres, storeBackends } from '../support/postgres';

const RULES = {
  rules: [
    {
      id: 'boiler-temperature',
      devices: 'boiler-*',
      metric: 'temperature',
      comparison: 'gt',
      alarm_level_1: 50,
      alarm_level_2: 80,
      deadband: 2,
    },
  ],
};

reportSkippedPostgres('threshold alerts and acknowledgements');

describe.each(storeBackends())('threshold alerts and acknowledgements on $name', (backend) => {
  let gw: TestGateway;
  let publisher: MqttClient;
  let cleanupBackend: () => Promise<void>;

  beforeAll(async () => {
    const prepared = await backend.prepare();
    cleanupBackend = prepared.cleanup;
    gw = await setup({ ...prepared.env, BROADCAST_MIN_INTERVAL_MS: '0' });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
    const put = await fetch(`${gw.url}/alert-rules`, {
      method: 'PUT',
      headers: jsonHeaders('admin'),
      body: JSON.stringify(RULES),
    });
    expect(put.status).toBe(200);
  });
  afterAll(async () => {
    await publisher.endAsync();
    await gw.cleanup();
    await cleanupBackend();
  });

  async function watch(deviceId: string): Promise<{ socket: ClientSocket; alerts: DeviceAlertsPayload[] }> {
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`device:${deviceId}`] });
    return { socket, alerts: collect(socket, 'device:alerts') };
  }

  async function send(deviceId: string, temperature: number): Promise<void> {
    await publish(publisher, `devices/${deviceId}/telemetry`, { temperature });
  }

  it('raises once, escalates, and clears only back inside the deadband; each change is stored and broadcast', async () => {
    const id = uniqueId('boiler');
    const { alerts } = await watch(id);
    for (const value of [40, 55, 60, 70]) await send(id, value);
    await eventually(() => alerts.length >= 1);
    await gw.gateway.alerts.drain();
    expect(alerts).toHaveLength(1);
    const raised = alerts[0]!.alerts[0]!;
    expect(raised).toMatchObject({ deviceId: id, ruleId: 'boiler-temperature', severity: 'warning', state: 'active' });

    await send(id, 85);
    await eventually(() => alerts.length >= 2);
    expect(alerts[1]!.alerts[0]).toMatchObject({ alertId: raised.alertId, severity: 'critical', state: 'active' });

    await send(id, 49); // inside [48, 50): still active
    await send(id, 47);
    await eventually(() => alerts.length >= 3);
    await gw.gateway.alerts.drain();
    expect(alerts).toHaveLength(3);
    expect(alerts[2]!.alerts.find((a) => a.alertId === raised.alertId)).toMatchObject({ state: 'cleared' });

    const stored = (await (
      await fetch(`${gw.url}/devices/${id}/alerts?status=cleared`, { headers: jsonHeaders('viewer') })
    ).json()) as {
      items: Alert[];
    };
    expect(stored.items.map((a) => [a.alertId, a.severity, a.state])).toEqual([
      [raised.alertId, 'critical', 'cleared'],
    ]);
    const active = (await (
      await fetch(`${gw.url}/devices/${id}/alerts?status=active`, { headers: jsonHeaders('viewer') })
    ).json()) as {
      items: Alert[];
    };
    expect(active.items).toEqual([]);
  });

  it('raises from a SubTronics detector own alarm levels without any configured rule', async () => {
    const serial = uniqueId('ST-4021');
    const { alerts } = await watch(serial);
    const reading = (concentration: number) => ({
      serial_number: serial,
      gas: 'CO',
      concentration,
      offset: 0,
      battery: 90,
      signal_strength: -70,
      alarm_level_1: 35,
      alarm_level_2: 100,
    });
    await publish(publisher, 'SubTronics/data', reading(12));
    await publish(publisher, 'SubTronics/data', reading(41));
    await eventually(() => alerts.length >= 1);
    expect(alerts[0]!.alerts[0]).toMatchObject({ metric: 'concentration', severity: 'warning', state: 'active' });
  });

  describe('acknowledging', () => {
    let deviceId: string;
    let alert: Alert;
    beforeEach(async () => {
      deviceId = uniqueId('boiler');
      const { alerts } = await watch(deviceId);
      await send(deviceId, 90);
      await eventually(() => alerts.length >= 1);
      alert = alerts[0]!.alerts[0]!;
    });

    it('over REST: answers the updated alert, broadcasts ack_update, and refuses a second time with 409', async () => {
      const { socket } = await watch(deviceId);
      const update = nextEvent(socket, 'ack_update');
      const url = `${gw.url}/devices/${deviceId}/alerts/${alert.alertId}/acknowledge`;
      const response = await fetch(url, {
        method: 'POST',
        headers: jsonHeaders('operator'),
        body: JSON.stringify({ reason: 'crew on site' }),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        alertId: alert.alertId,
        acknowledged: true,
        ackUser: 'operator-user',
        ackReason: 'crew on site',
        state: 'active',
      });
      expect(await update).toMatchObject({
        kind: 'alert',
        id: alert.alertId,
        deviceId,
        acknowledged: true,
        ackUser: 'operator-user',
        ackReason: 'crew on site',
      });

      const again = await fetch(url, {
        method: 'POST',
        headers: jsonHeaders('operator'),
        body: JSON.stringify({ reason: 'again' }),
      });
      expect(again.status).toBe(409);
      const body = (await again.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe('CONFLICT');
      expect(body.error.message).toContain('operator-user');
    });

    it('over REST: 404 for an unknown alert, 403 for a viewer, 400 without a reason, 401 without a token', async () => {
      const base = `${gw.url}/devices/${deviceId}/alerts`;
      const post = (path: string, headers: Record<string, string>, body: unknown) =>
        fetch(`${base}/${path}/acknowledge`, { method: 'POST', headers, body: JSON.stringify(body) });
      expect((await post('no-such-alert', jsonHeaders('operator'), { reason: 'x' })).status).toBe(404);
      expect((await post(alert.alertId, jsonHeaders('viewer'), { reason: 'x' })).status).toBe(403);
      expect((await post(alert.alertId, jsonHeaders('operator'), {})).status).toBe(400);
      expect((await post(alert.alertId, jsonHeaders('operator'), { reason: '   ' })).status).toBe(400);
      expect((await post(alert.alertId, { 'Content-Type': 'application/json' }, { reason: 'x' })).status).toBe(401);
      const wrongDevice = await fetch(`${gw.url}/devices/other-device/alerts/${alert.alertId}/acknowledge`, {
        method: 'POST',
        headers: jsonHeaders('operator'),
        body: JSON.stringify({ reason: 'x' }),
      });
      expect(wrongDevice.status).toBe(404);
      const malformed = await fetch(`${base}/${alert.alertId}/acknowledge`, {
        method: 'POST',
        headers: jsonHeaders('operator'),
        body: '{"reason": ',
      });
      expect(malformed.status).toBe(400);
    });

    it('over the socket: operators only, with the same answers', async () => {
      const viewer = await gw.connect({ token: mintToken({ role: 'viewer' }) });
      expect(await viewer.emitWithAck('alert:acknowledge', { alertId: alert.alertId, reason: 'x' })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
      const limited = await gw.connect({ token: mintToken({ role: 'operator', rooms: ['device:someone-else'] }) });
      expect(await limited.emitWithAck('alert:acknowledge', { alertId: alert.alertId, reason: 'x' })).toMatchObject({
        ok: false,
        code: 'FORBIDDEN',
      });
      const operator = await gw.connect({ token: mintToken({ role: 'operator', sub: 'olga' }) });
      const first = await operator.emitWithAck('alert:acknowledge', { alertId: alert.alertId, reason: 'valve closed' });
      expect(first).toMatchObject({ ok: true, alert: { alertId: alert.alertId, acknowledged: true, ackUser: 'olga' } });
      expect(await operator.emitWithAck('alert:acknowledge', { alertId: alert.alertId, reason: 'x' })).toMatchObject({
        ok: false,
        code: 'CONFLICT',
      });
      expect(await operator.emitWithAck('alert:acknowledge', { alertId: 'nope', reason: 'x' })).toMatchObject({
        ok: false,
        code: 'NOT_FOUND',
      });
      const raw = operator as unknown as { emitWithAck(event: string, payload: unknown): Promise<unknown> };
      expect(await raw.emitWithAck('alert:acknowledge', { alertId: alert.alertId })).toMatchObject({
        ok: false,
        code: 'BAD_REQUEST',
      });
    });
  });

  it('fills each page of GET /alerts for a token limited by device patterns, matching them exactly', async () => {
    const prefix = uniqueId('boiler');
    const mine = [`${prefix}-a_b-1`, `${prefix}-a_b-2`];
    // Matched only if `_` were a wildcard, as it is in SQL's LIKE.
    const lookalike = `${prefix}-axb-1`;
    const newer = [lookalike, uniqueId('boiler'), uniqueId('boiler')];
    const raised = async (ids: string[]): Promise<void> => {
      await eventually(async () => {
        const all = (await (
          await fetch(`${gw.url}/alerts?status=active&limit=1000`, { headers: jsonHeaders('viewer') })
        ).json()) as { items: Alert[] };
        return ids.every((id) => all.items.some((alert) => alert.deviceId === id));
      });
    };
    for (const id of mine) await send(id, 95);
    await raised(mine);
    // Raised after them: the newest alerts overall are none of this token's.
    for (const id of newer) await send(id, 95);
    await raised(newer);

    const token = jsonHeaders('viewer', { rooms: [`device:${prefix}-a_b*`, 'sensor:*'] });
    const page = async (cursor?: string) =>
      (await (
        await fetch(`${gw.url}/alerts?status=active&limit=1${cursor === undefined ? '' : `&cursor=${cursor}`}`, {
          headers: token,
        })
      ).json()) as { items: Alert[]; nextCursor: string | null };
    const first = await page();
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = await page(first.nextCursor ?? undefined);
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect([first.items[0]?.deviceId, second.items[0]?.deviceId].sort()).toEqual([...mine].sort());

    const none = (await (
      await fetch(`${gw.url}/alerts?status=all`, { headers: jsonHeaders('viewer', { rooms: ['sensor:*'] }) })
    ).json()) as { items: Alert[]; nextCursor: string | null };
    expect(none).toEqual({ items: [], nextCursor: null });
  });

  it('lists alerts with filters and pagination, only within the token rooms', async () => {
    const ids = [uniqueId('boiler'), uniqueId('boiler')];
    for (const id of ids) await send(id, 95);
    await eventually(async () => {
      const all = (await (
        await fetch(`${gw.url}/alerts?status=active&limit=1000`, { headers: jsonHeaders('viewer') })
      ).json()) as {
        items: Alert[];
      };
      return ids.every((id) => all.items.some((a) => a.deviceId === id));
    });
    const first = (await (
      await fetch(`${gw.url}/alerts?status=all&limit=1`, { headers: jsonHeaders('viewer') })
    ).json()) as {
      items: Alert[];
      nextCursor: string | null;
    };
    expect(first.items).toHaveLength(1);
    expect(first.nextCursor).not.toBeNull();
    const second = (await (
      await fetch(`${gw.url}/alerts?status=all&limit=1&cursor=${first.nextCursor}`, { headers: jsonHeaders('viewer') })
    ).json()) as { items: Alert[] };
    expect(second.items[0]?.alertId).not.toBe(first.items[0]?.alertId);

    const limited = (await (
      await fetch(`${gw.url}/alerts?status=active&limit=1000`, {
        headers: jsonHeaders('viewer', { rooms: [`device:${ids[0]}`] }),
      })
    ).json()) as { items: Alert[] };
    expect(new Set(limited.items.map((a) => a.deviceId))).toEqual(new Set([ids[0]]));
    expect((await fetch(`${gw.url}/alerts?acknowledged=maybe`, { headers: jsonHeaders('viewer') })).status).toBe(400);
    expect(
      (
        await fetch(`${gw.url}/devices/${ids[1]}/alerts`, {
          headers: jsonHeaders('viewer', { rooms: [`device:${ids[0]}`] }),
        })
      ).status,
    ).toBe(403);
  });

  it('serves and validates the rule set for admins only', async () => {
    const got = await fetch(`${gw.url}/alert-rules`, { headers: jsonHeaders('admin') });
    expect(await got.json()).toMatchObject({
      source: 'api',
      updatedBy: 'admin-user',
      rules: [{ id: 'boiler-temperature' }],
    });
    expect((await fetch(`${gw.url}/alert-rules`, { headers: jsonHeaders('operator') })).status).toBe(403);
    const bad = await fetch(`${gw.url}/alert-rules`, {
      method: 'PUT',
      headers: jsonHeaders('admin'),
      body: JSON.stringify({ rules: [{ ...RULES.rules[0], comparison: 'sideways' }] }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/comparison/);
    expect(await (await fetch(`${gw.url}/alert-rules`, { headers: jsonHeaders('admin') })).json()).toMatchObject({
      rules: [{ comparison: 'gt' }],
    });
  });
});
