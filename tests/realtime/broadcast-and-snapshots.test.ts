import { deviceRoom, sensorRoom, type DeviceDataPayload } from '@roomcast/shared';
import { collect, nextEvent, setup, type TestGateway } from '../support/gateway';

const reading = (deviceId: string, value: number): DeviceDataPayload => ({
  deviceId,
  data: { temperature: value },
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, value)).toISOString(),
});

describe('broadcast into rooms', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    gw = await setup();
  });
  afterEach(() => gw.cleanup());

  it('reaches the members of the room and no one else', async () => {
    const [member, other, idle] = await Promise.all([gw.connect(), gw.connect(), gw.connect()]);
    await member.emitWithAck('subscribe', { rooms: ['device:d1'] });
    await other.emitWithAck('subscribe', { rooms: ['device:d2'] });
    const atOther = collect(other, 'device:data');
    const atIdle = collect(idle, 'device:data');

    const received = nextEvent(member, 'device:data');
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:data', reading('d1', 21));
    expect(await received).toEqual(reading('d1', 21));

    // A round trip on each socket flushes anything that might still be in flight.
    await Promise.all([other.emitWithAck('ping'), idle.emitWithAck('ping')]);
    expect(atOther).toEqual([]);
    expect(atIdle).toEqual([]);
  });

  it('sends the latest event of each kind in a room as a snapshot, before the subscribe ack', async () => {
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', {
      deviceId: 'd1',
      online: true,
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:data', reading('d1', 20));
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:data', reading('d1', 22));

    const late = await gw.connect();
    const order: string[] = [];
    late.onAny((event: string) => order.push(event));
    const data = collect(late, 'device:data');
    const status = collect(late, 'device:status');
    const ack = await late.emitWithAck('subscribe', { rooms: ['device:d1', 'sensor:never-seen'] });
    order.push('ack');

    expect(ack).toEqual({ ok: true, joined: ['device:d1', 'sensor:never-seen'], rejected: [] });
    expect(data).toEqual([reading('d1', 22)]);
    expect(status).toEqual([{ deviceId: 'd1', online: true, timestamp: '2026-01-01T00:00:00.000Z' }]);
    expect(order).toEqual(['device:status', 'device:data', 'ack']);
  });

  it('does not replay a room the socket had already joined', async () => {
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:data', reading('d1', 20));
    const socket = await gw.connect();
    const data = collect(socket, 'device:data');
    await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
    await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
    expect(data).toHaveLength(1);
  });

  it('does not replay acknowledgements, which describe a moment rather than a state', async () => {
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'ack_update', {
      kind: 'alert',
      id: 'a1',
      deviceId: 'd1',
      acknowledged: true,
      ackUser: 'op',
      ackReason: 'seen',
      ackAt: '2026-01-01T00:00:00.000Z',
    });
    const socket = await gw.connect();
    const acks = collect(socket, 'ack_update');
    await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
    expect(acks).toEqual([]);
  });

  it('re-emits the latest events on refresh, only for a room the socket is in', async () => {
    const socket = await gw.connect();
    gw.gateway.broadcaster.publish(sensorRoom('s1'), 'sensor_reading', {
      sensorId: 's1',
      moisture: 31.5,
      temperature: 22.1,
      humidity: 55,
      light: 1200,
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    expect(await socket.emitWithAck('refresh', { room: 'sensor:s1' })).toMatchObject({
      ok: false,
      code: 'NOT_SUBSCRIBED',
    });
    await socket.emitWithAck('subscribe', { rooms: ['sensor:s1'] });
    const readings = collect(socket, 'sensor_reading');
    expect(await socket.emitWithAck('refresh', { room: 'sensor:s1' })).toEqual({
      ok: true,
      room: 'sensor:s1',
      emitted: 1,
    });
    expect(readings.map((r) => r.moisture)).toEqual([31.5]);
    expect(await socket.emitWithAck('refresh', { room: 'sensor:bad id' })).toMatchObject({
      ok: false,
      code: 'INVALID_ROOM',
    });
  });
});
