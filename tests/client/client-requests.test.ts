import type { MqttClient } from 'mqtt';
import { createClient, ErrorCode, type Alert, type RoomcastClient, type ServerPayload } from '@roomcast/client';
import { createCharacteristic, jsonHeaders, mintToken, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';
import { rejection } from '../support/rejections';

const RULES = {
  rules: [
    {
      id: 'kiln-temperature',
      devices: 'kiln-*',
      metric: 'temperature',
      comparison: 'gt',
      alarm_level_1: 50,
      alarm_level_2: 80,
    },
  ],
};

const adminHeaders = jsonHeaders('admin');

describe('client requests', () => {
  let gw: TestGateway;
  let publisher: MqttClient;
  let operator: RoomcastClient;
  let viewer: RoomcastClient;

  beforeAll(async () => {
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0' });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
    const put = await fetch(`${gw.url}/alert-rules`, {
      method: 'PUT',
      headers: adminHeaders,
      body: JSON.stringify(RULES),
    });
    expect(put.status).toBe(200);
    operator = createClient({ url: gw.url, token: mintToken({ role: 'operator', sub: 'olga' }) });
    viewer = createClient({ url: gw.url, token: mintToken({ role: 'viewer', sub: 'vic' }) });
    await Promise.all([operator.ready(), viewer.ready()]);
  });
  afterAll(async () => {
    operator.disconnect();
    viewer.disconnect();
    await publisher.endAsync();
    await gw.cleanup();
  });

  it('ping() answers with the gateway clock and the round trip', async () => {
    const pong = await operator.ping();
    expect(pong.timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(pong.roundTripMs).toBeGreaterThanOrEqual(0);
  });

  it('acknowledgeAlert() resolves with the acknowledged alert; the room sees ack_update; errors carry their codes', async () => {
    const device = uniqueId('kiln');
    const subscription = operator.subscribe({ device });
    const alerts: ServerPayload<'device:alerts'>[] = [];
    const updates: ServerPayload<'ack_update'>[] = [];
    subscription.on('device:alerts', (payload) => alerts.push(payload));
    subscription.on('ack_update', (payload) => updates.push(payload));
    await subscription.ready();
    await publish(publisher, `devices/${device}/telemetry`, { temperature: 90 });
    await eventually(() => alerts.length >= 1);
    const raised = alerts[0]?.alerts[0] as Alert;
    expect(raised).toMatchObject({ deviceId: device, severity: 'critical', acknowledged: false });

    const acknowledged = await operator.acknowledgeAlert({ alertId: raised.alertId, reason: 'crew on site' });
    expect(acknowledged).toMatchObject({
      alertId: raised.alertId,
      acknowledged: true,
      ackUser: 'olga',
      ackReason: 'crew on site',
    });
    await eventually(() => updates.length === 1);
    expect(updates[0]).toMatchObject({ kind: 'alert', id: raised.alertId, deviceId: device, ackUser: 'olga' });

    const again = await rejection(operator.acknowledgeAlert({ alertId: raised.alertId, reason: 'again' }));
    expect(again.code).toBe(ErrorCode.CONFLICT);
    expect(again.message).toMatch(/already acknowledged by olga/);
    const unknown = await rejection(operator.acknowledgeAlert({ alertId: 'no-such-alert', reason: 'x' }));
    expect(unknown.code).toBe(ErrorCode.NOT_FOUND);
    const notOperator = await rejection(viewer.acknowledgeAlert({ alertId: raised.alertId, reason: 'x' }));
    expect(notOperator.code).toBe(ErrorCode.FORBIDDEN);
    const noReason = await rejection(operator.acknowledgeAlert({ alertId: raised.alertId, reason: '' }));
    expect(noReason.code).toBe(ErrorCode.BAD_REQUEST);
  });

  it('acknowledgeViolation() resolves with the acknowledged record; errors carry their codes', async () => {
    const id = uniqueId('fill');
    const created = await createCharacteristic(gw.url, id, {
      name: 'Fill',
      chart: 'individuals',
      limits: { centre: 500, ucl: 503, lcl: 497 },
    });
    expect(created.status).toBe(201);
    const subscription = operator.subscribe({ characteristic: id });
    const violations: ServerPayload<'violation'>[] = [];
    subscription.on('violation', (payload) => violations.push(payload));
    await subscription.ready();
    await publish(publisher, `spc/${id}/samples`, { value: 520 }); // beyond 3 sigma: rule 1
    await eventually(() => violations.some((v) => v.ruleId === 1));
    const violation = violations.find((v) => v.ruleId === 1) as ServerPayload<'violation'>;

    const record = await operator.acknowledgeViolation({ violationId: violation.violationId, reason: 'recalibrated' });
    expect(record).toMatchObject({
      violationId: violation.violationId,
      characteristicId: id,
      acknowledged: true,
      ackUser: 'olga',
      ackReason: 'recalibrated',
    });
    const again = await rejection(operator.acknowledgeViolation({ violationId: violation.violationId, reason: 'x' }));
    expect(again.code).toBe(ErrorCode.CONFLICT);
    const unknown = await rejection(operator.acknowledgeViolation({ violationId: 'no-such-violation', reason: 'x' }));
    expect(unknown.code).toBe(ErrorCode.NOT_FOUND);
    const notOperator = await rejection(
      viewer.acknowledgeViolation({ violationId: violation.violationId, reason: 'x' }),
    );
    expect(notOperator.code).toBe(ErrorCode.FORBIDDEN);
  });

  it('a request the gateway never answers fails with UNAVAILABLE after requestTimeoutMs', async () => {
    const sub = uniqueId('silent');
    // The gateway drops this user's pings unanswered, as an overloaded or partitioned server would.
    gw.gateway.io.on('connection', (socket) => {
      if (socket.data.user.sub !== sub) return;
      socket.use(([event], next) => {
        if (event !== 'ping') next();
      });
    });
    const client = createClient({ url: gw.url, token: mintToken({ sub }), requestTimeoutMs: 200 });
    try {
      await client.ready();
      const started = Date.now();
      const failure = await rejection(client.ping());
      expect(failure.code).toBe(ErrorCode.UNAVAILABLE);
      expect(failure.message).toMatch(/timed out/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    } finally {
      client.disconnect();
    }
  });
});
