import { collect, setup, type ClientSocket, type TestGateway } from '../support/gateway';

/** Emits an event outside the typed contract, as a hostile or buggy client would. */
function emitRaw(socket: ClientSocket, event: string, ...args: unknown[]): Promise<unknown> {
  const untyped = socket as unknown as {
    timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> };
  };
  return untyped.timeout(3000).emitWithAck(event, ...args);
}

describe('inbound events are validated', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
  });
  afterAll(() => gw.cleanup());

  it.each([
    ['subscribe', [undefined]],
    ['subscribe', ['device:x']],
    ['subscribe', [{ rooms: 'device:x' }]],
    ['subscribe', [{ rooms: [] }]],
    ['subscribe', [{ rooms: [42] }]],
    ['subscribe', [{ rooms: ['device:x'], extra: true }]],
    ['unsubscribe', [{}]],
    ['refresh', [{ room: 7 }]],
    ['refresh', [null]],
    ['subscribe:device', [{ id: 'x' }]],
    ['unsubscribe:device', [12]],
  ])('%s with %j is answered BAD_REQUEST', async (event, args) => {
    const socket = await gw.connect();
    const ack = await emitRaw(socket, event, ...args);
    expect(ack).toEqual({ ok: false, code: 'BAD_REQUEST', message: expect.stringMatching(/^invalid /) });
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });

  it('changes nothing when a request is invalid', async () => {
    const socket = await gw.connect();
    await emitRaw(socket, 'subscribe', { rooms: ['device:x'], history: 'bogus' });
    const data = collect(socket, 'device:data');
    gw.gateway.broadcaster.publish('device:x', 'device:data', {
      deviceId: 'x',
      data: { v: 1 },
      timestamp: new Date().toISOString(),
    });
    await socket.emitWithAck('ping');
    expect(data).toEqual([]);
    socket.disconnect();
  });

  it.each([['delete-everything'], ['toString'], ['__proto__']])(
    'answers an event it does not know (%s) BAD_REQUEST',
    async (event) => {
      const socket = await gw.connect();
      expect(await emitRaw(socket, event, { now: true })).toEqual({
        ok: false,
        code: 'BAD_REQUEST',
        message: `unknown event "${event}"`,
      });
      expect(socket.connected).toBe(true);
      socket.disconnect();
    },
  );

  it('survives events without an ack callback and events it does not know', async () => {
    const socket = await gw.connect();
    const raw = socket as unknown as { emit(event: string, ...args: unknown[]): void };
    raw.emit('subscribe', { rooms: ['device:no-ack'] });
    raw.emit('subscribe', 'nonsense');
    raw.emit('delete-everything', { now: true });
    raw.emit('ping');
    expect(await socket.emitWithAck('ping')).toMatchObject({ ok: true });
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });
});

describe('per-socket rate limit', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ SOCKET_RATE_LIMIT: '1', SOCKET_RATE_BURST: '5' });
  });
  afterAll(() => gw.cleanup());

  it('answers RATE_LIMITED past the burst and keeps the socket connected', async () => {
    const socket = await gw.connect();
    const acks = await Promise.all(Array.from({ length: 8 }, () => socket.emitWithAck('ping')));
    const limited = acks.filter((ack) => !ack.ok);
    expect(acks.slice(0, 5).every((ack) => ack.ok)).toBe(true);
    expect(limited).toHaveLength(3);
    expect(limited[0]).toMatchObject({ ok: false, code: 'RATE_LIMITED' });
    expect(socket.connected).toBe(true);
  });

  it('limits each socket on its own', async () => {
    const busy = await gw.connect();
    const calm = await gw.connect();
    await Promise.all(Array.from({ length: 6 }, () => busy.emitWithAck('ping')));
    expect(await calm.emitWithAck('ping')).toMatchObject({ ok: true });
  });
});

describe('ping', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
  });
  afterAll(() => gw.cleanup());

  it('acknowledges and emits pong with the server time', async () => {
    const socket = await gw.connect();
    const pongs = collect(socket, 'pong');
    const ack = await socket.emitWithAck('ping');
    if (!ack.ok) throw new Error(ack.message);
    expect(Date.parse(ack.timestamp)).not.toBeNaN();
    expect(pongs).toEqual([{ timestamp: ack.timestamp }]);
  });
});
