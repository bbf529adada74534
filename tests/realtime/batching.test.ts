import {
  characteristicRoom,
  deviceRoom,
  ErrorCode,
  type BatchPayload,
  type DeviceStatusPayload,
  type SamplePayload,
} from '@roomcast/shared';
import { collect, nextEvent, serverSocketOf, setup, type ClientSocket, type TestGateway } from '../support/gateway';

const status = (deviceId: string, second: number): DeviceStatusPayload => ({
  deviceId,
  online: second % 2 === 0,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
});

/** One batch of `device:status` events of a device, one per second given. */
const statusBatch = (deviceId: string, ...seconds: number[]): BatchPayload => ({
  events: seconds.map((second) => ['device:status', status(deviceId, second)]),
});

const sample = (characteristicId: string, value: number): SamplePayload => ({
  sampleId: `s-${value}`,
  characteristicId,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, value)).toISOString(),
  value,
  zone: 'zone_c_upper',
  inControl: true,
});

/** Waits until the gateway has answered everything sent before: what was due has arrived. */
const roundTrip = async (...sockets: ClientSocket[]): Promise<void> => {
  await Promise.all(sockets.map((socket) => socket.emitWithAck('ping')));
};

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('batches for connections that ask for them', () => {
  let gw: TestGateway;
  const connectBatching = (): Promise<ClientSocket> => gw.connect({ auth: { batch: true } });

  describe('with a long flush interval', () => {
    // Long enough that what a test publishes after a flush falls into the interval, on any machine.
    const INTERVAL_MS = 500;
    beforeEach(async () => {
      gw = await setup({ BROADCAST_BATCH_INTERVAL_MS: String(INTERVAL_MS) });
    });
    afterEach(() => gw.cleanup());

    /** Publishes one event and waits for its batch: what is published next waits for the interval. */
    const openInterval = async (socket: ClientSocket): Promise<void> => {
      const flushed = nextEvent(socket, 'batch');
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 0));
      await flushed;
    };

    it('sends the first event after a quiet interval at once, and what follows within the interval as one batch', async () => {
      const socket = await connectBatching();
      await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
      const singles = collect(socket, 'device:status');

      const first = nextEvent(socket, 'batch');
      const publishedAt = performance.now();
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      expect(await first).toEqual({ events: [['device:status', status('d1', 1)]] });
      // Not held for the interval: a loopback round trip takes a few milliseconds, not hundreds.
      expect(performance.now() - publishedAt).toBeLessThan(INTERVAL_MS / 2);

      const second = nextEvent(socket, 'batch');
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 2));
      await tick();
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 3));
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 4));
      expect(await second).toEqual({
        events: [
          ['device:status', status('d1', 2)],
          ['device:status', status('d1', 3)],
          ['device:status', status('d1', 4)],
        ],
      });
      await roundTrip(socket);
      expect(singles).toEqual([]);
    });

    it('counts the interval from the start of a flush, so a long flush does not lengthen it', async () => {
      const socket = await connectBatching();
      await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
      const FLUSH_MS = 300;
      // An outgoing listener runs inside the flush: this one makes the next flush take FLUSH_MS.
      let slowFlushes = 1;
      serverSocketOf(gw, socket).onAnyOutgoing(() => {
        if (slowFlushes-- <= 0) return;
        const until = performance.now() + FLUSH_MS;
        while (performance.now() < until);
      });
      await openInterval(socket);

      const next = nextEvent(socket, 'batch');
      const publishedAt = performance.now();
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      await next;
      // Counted from the end of the writes it would be a whole interval from now.
      expect(performance.now() - publishedAt).toBeLessThan(INTERVAL_MS - 100);
    });

    it('merges the events of every room due to one connection into one frame, in the order they were emitted', async () => {
      const both = await connectBatching();
      const deviceOnly = await connectBatching();
      await both.emitWithAck('subscribe', { rooms: ['device:d1', 'characteristic:c1'] });
      await deviceOnly.emitWithAck('subscribe', { rooms: ['device:d1'] });
      const atBoth = collect(both, 'batch');
      const atDeviceOnly = collect(deviceOnly, 'batch');

      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      gw.gateway.broadcaster.publish(characteristicRoom('c1'), 'sample', sample('c1', 7));
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 2));
      await roundTrip(both, deviceOnly);

      expect(atBoth).toEqual<BatchPayload[]>([
        {
          events: [
            ['device:status', status('d1', 1)],
            ['sample', sample('c1', 7)],
            ['device:status', status('d1', 2)],
          ],
        },
      ]);
      expect(atDeviceOnly).toEqual<BatchPayload[]>([statusBatch('d1', 1, 2)]);
    });

    it('keeps sending single events, at once, to plain Socket.IO clients in the same room', async () => {
      const batching = await connectBatching();
      const plain = await gw.connect();
      await batching.emitWithAck('subscribe', { rooms: ['device:d1'] });
      await plain.emitWithAck('subscribe', { rooms: ['device:d1'] });
      await openInterval(batching);
      const plainSingles = collect(plain, 'device:status');
      const plainBatches = collect(plain, 'batch');
      const batched = nextEvent(batching, 'batch');

      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 2));
      // The plain client has both while the batching one still waits for the interval.
      await roundTrip(plain);
      expect(plainSingles).toEqual([status('d1', 1), status('d1', 2)]);

      expect((await batched).events).toHaveLength(2);
      await roundTrip(plain);
      expect(plainBatches).toEqual([]);
    });

    it('never sends a new subscriber an event older than its snapshot', async () => {
      const early = await connectBatching();
      await early.emitWithAck('subscribe', { rooms: ['device:d1'] });
      await openInterval(early);
      const earlyBatches = collect(early, 'batch');
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 2));

      // The two events are still waiting for the interval when the late subscriber joins.
      const late = await connectBatching();
      const lateOrder: string[] = [];
      late.onAny((event: string, payload: unknown) => {
        if (event !== 'pong') lateOrder.push(`${event} ${JSON.stringify(payload)}`);
      });
      await late.emitWithAck('subscribe', { rooms: ['device:d1'] });
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 2));
      await roundTrip(early, late);

      expect(lateOrder).toEqual([`device:status ${JSON.stringify(status('d1', 2))}`]);
      // Those already in the room got what was pending, before the join, still as one batch.
      expect(earlyBatches).toEqual<BatchPayload[]>([statusBatch('d1', 1, 2)]);
    });

    it('sends what is pending for a room before the snapshot a refresh asks for', async () => {
      const socket = await connectBatching();
      await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
      await openInterval(socket);
      const order: string[] = [];
      socket.onAny((event: string, payload: unknown) => order.push(`${event} ${JSON.stringify(payload)}`));
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));

      const ack = await socket.emitWithAck('refresh', { room: 'device:d1' });

      expect(ack).toEqual({ ok: true, room: 'device:d1', emitted: 1 });
      expect(order).toEqual([
        `batch ${JSON.stringify({ events: [['device:status', status('d1', 1)]] })}`,
        `device:status ${JSON.stringify(status('d1', 1))}`,
      ]);
    });

    it('sends nothing of a room after the connection leaves it', async () => {
      const socket = await connectBatching();
      await socket.emitWithAck('subscribe', { rooms: ['device:d1', 'device:d2'] });
      await openInterval(socket);
      const batches = collect(socket, 'batch');
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      gw.gateway.broadcaster.publish(deviceRoom('d2'), 'device:status', status('d2', 1));
      await socket.emitWithAck('unsubscribe', { rooms: ['device:d1'] });
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 2));
      await roundTrip(socket);

      expect(batches).toEqual<BatchPayload[]>([{ events: [['device:status', status('d2', 1)]] }]);
    });

    it('sends what is pending before the sockets close when the gateway stops', async () => {
      const socket = await connectBatching();
      await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
      await openInterval(socket);
      const received = nextEvent(socket, 'batch');
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));

      await gw.gateway.stop();

      expect(await received).toEqual({ events: [['device:status', status('d1', 1)]] });
    });
  });

  describe('with the interval at 0', () => {
    beforeEach(async () => {
      gw = await setup({ BROADCAST_BATCH_INTERVAL_MS: '0' });
    });
    afterEach(() => gw.cleanup());

    it('batches what one turn of the event loop emits', async () => {
      const socket = await connectBatching();
      await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
      const batches = collect(socket, 'batch');
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 2));
      await new Promise((resolve) => setTimeout(resolve, 50));
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 3));
      await new Promise((resolve) => setTimeout(resolve, 50));
      await roundTrip(socket);

      expect(batches).toEqual<BatchPayload[]>([statusBatch('d1', 1, 2), statusBatch('d1', 3)]);
    });
  });

  describe('the handshake', () => {
    beforeEach(async () => {
      gw = await setup();
    });
    afterEach(() => gw.cleanup());

    it.each([['yes'], [1], [{}]])('refuses auth.batch = %j with BAD_REQUEST', async (value) => {
      const error = (await gw.connect({ auth: { batch: value } }).catch((e: unknown) => e)) as {
        data?: { code: string; message: string };
      };
      expect(error.data).toEqual({ code: ErrorCode.BAD_REQUEST, message: 'auth.batch must be true or false' });
    });

    it('treats batch: false as a plain client', async () => {
      const socket = await gw.connect({ auth: { batch: false } });
      await socket.emitWithAck('subscribe', { rooms: ['device:d1'] });
      const received = nextEvent(socket, 'device:status');
      gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status('d1', 1));
      expect(await received).toEqual(status('d1', 1));
    });

    it('does not count the rooms that route single events against the room limit', async () => {
      await gw.cleanup();
      gw = await setup({ SOCKET_MAX_ROOMS: '2' });
      const plain = await gw.connect();
      const ack = await plain.emitWithAck('subscribe', { rooms: ['device:d1', 'device:d2', 'device:d3'] });
      expect(ack).toMatchObject({ joined: ['device:d1', 'device:d2'], rejected: [{ room: 'device:d3' }] });
    });
  });
});
