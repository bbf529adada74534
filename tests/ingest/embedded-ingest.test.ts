import mqtt from 'mqtt';
import { reachesFilter } from '../../server/src/mqtt/embedded-broker';
import { nextEvent, setup, type TestGateway } from '../support/gateway';
import { publish, uniqueId } from '../support/mqtt';

describe('with the embedded broker, the gateway takes messages in-process', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ BROADCAST_MIN_INTERVAL_MS: '0' });
    await gw.gateway.mqtt.whenConnected();
  });
  afterAll(() => gw.cleanup());

  it('reports the mqtt component connected, with no client of its own, in /health', async () => {
    const body = (await (await fetch(`${gw.url}/health`)).json()) as { components: { mqtt: object } };
    expect(body.components.mqtt).toMatchObject({
      status: 'up',
      state: 'connected',
      embedded: true,
      failedAttempts: 0,
      lastError: null,
    });
    expect(body.components.mqtt).not.toHaveProperty('clientId');
  });

  it('is not disturbed by a device that connects with the client id the gateway uses on an external broker', async () => {
    const id = uniqueId('dev');
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`device:${id}`] });
    // On a broker, a second connection with a client id takes the session from the first.
    const device = await mqtt.connectAsync(gw.gateway.mqtt.embeddedUrl ?? '', {
      clientId: gw.gateway.config.mqtt.clientId,
      clean: true,
      reconnectPeriod: 0,
    });
    try {
      const received = nextEvent(socket, 'device:data');
      await publish(device, `devices/${id}/telemetry`, { temperature: 20 });
      expect((await received).data).toEqual({ temperature: 20 });
      expect(device.connected).toBe(true);
    } finally {
      await device.endAsync();
    }
  });
});

describe('which topics a subscription filter reaches', () => {
  it.each([
    ['devices/a/telemetry', 'devices/+/telemetry', true],
    ['a/b', '#', true],
    ['$SYS/broker/heartbeat', '#', false],
    ['$SYS/broker/heartbeat', '+/broker/heartbeat', false],
    ['$SYS/broker/heartbeat', '$SYS/#', true],
  ])('%s through %s: %s', (topic, filter, expected) => {
    expect(reachesFilter(topic, filter)).toBe(expected);
  });
});
