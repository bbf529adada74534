import { deviceRoom, locationRoom, sensorRoom } from '@roomcast/shared';
import { mintToken, setup, type TestGateway } from '../support/gateway';

describe('GET /rooms', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0' });
    const at = '2026-05-01T00:00:00.000Z';
    gw.gateway.broadcaster.publish(deviceRoom('pump-1'), 'device:data', {
      deviceId: 'pump-1',
      data: { flow: 1 },
      timestamp: at,
    });
    gw.gateway.broadcaster.publish(deviceRoom('pump-1'), 'device:status', {
      deviceId: 'pump-1',
      online: true,
      timestamp: at,
    });
    gw.gateway.broadcaster.publish(sensorRoom('soil-1'), 'sensor_reading', {
      sensorId: 'soil-1',
      moisture: 1,
      temperature: 1,
      humidity: 1,
      light: 1,
      timestamp: at,
    });
    gw.gateway.broadcaster.publish(locationRoom('Delhi'), 'aqi_update', {
      location: 'delhi',
      aqi: { value: 10, category: 'Good', color: '#00E400', dominantPollutant: 'pm25' },
      pollutants: {},
      timestamp: at,
    });
  });
  afterAll(() => gw.cleanup());

  it('lists every room the gateway has seen, with its kind and events, sorted', async () => {
    const response = await fetch(`${gw.url}/rooms`, {
      headers: { Authorization: `Bearer ${mintToken({ role: 'viewer' })}` },
    });
    expect(await response.json()).toEqual([
      { room: 'device:pump-1', kind: 'device', id: 'pump-1', events: ['device:data', 'device:status'] },
      { room: 'location:delhi', kind: 'location', id: 'delhi', events: ['aqi_update'] },
      { room: 'sensor:soil-1', kind: 'sensor', id: 'soil-1', events: ['sensor_reading'] },
    ]);
  });

  it('shows a token only the rooms it may join, and needs a token', async () => {
    const limited = await fetch(`${gw.url}/rooms`, {
      headers: { Authorization: `Bearer ${mintToken({ role: 'viewer', rooms: ['sensor:*'] })}` },
    });
    expect(((await limited.json()) as Array<{ room: string }>).map((entry) => entry.room)).toEqual(['sensor:soil-1']);
    expect((await fetch(`${gw.url}/rooms`)).status).toBe(401);
  });
});
