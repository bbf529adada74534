import { deviceRoom, locationRoom } from '@roomcast/shared';
import { collect, mintToken, nextEvent, setup, type ClientSocket, type TestGateway } from '../support/gateway';

describe('subscribe and unsubscribe', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ SOCKET_MAX_ROOMS: '3' });
  });
  afterAll(() => gw.cleanup());

  let socket: ClientSocket;
  beforeEach(async () => {
    socket = await gw.connect();
  });
  afterEach(() => {
    socket.disconnect();
  });

  it('joins valid rooms and answers with their canonical names', async () => {
    const ack = await socket.emitWithAck('subscribe', { rooms: ['device:OTSM-0114', 'location: Delhi '] });
    expect(ack).toEqual({ ok: true, joined: ['device:OTSM-0114', 'location:delhi'], rejected: [] });
  });

  it('treats "Delhi" and "delhi" as one room', async () => {
    const ack = await socket.emitWithAck('subscribe', { rooms: ['location:Delhi', 'location:delhi'] });
    expect(ack).toEqual({ ok: true, joined: ['location:delhi'], rejected: [] });
  });

  it('rejects invalid names one by one and joins the rest', async () => {
    const tooLong = `sensor:${'x'.repeat(129)}`;
    const ack = await socket.emitWithAck('subscribe', {
      rooms: ['device:ok-1', 'device:bad id', 'planet:mars', 'nocolon', tooLong, 'sensor:'],
    });
    expect(ack.ok).toBe(false);
    if (!('joined' in ack)) throw new Error('expected a subscribe result');
    expect(ack.joined).toEqual(['device:ok-1']);
    expect(ack.rejected.map((r) => [r.room, r.code])).toEqual([
      ['device:bad id', 'INVALID_ROOM'],
      ['planet:mars', 'INVALID_ROOM'],
      ['nocolon', 'INVALID_ROOM'],
      [tooLong, 'INVALID_ROOM'],
      ['sensor:', 'INVALID_ROOM'],
    ]);
    for (const rejection of ack.rejected) expect(rejection.message.length).toBeGreaterThan(10);
  });

  it('leaves rooms on unsubscribe and reports rooms it was not in', async () => {
    await socket.emitWithAck('subscribe', { rooms: ['device:a'] });
    const ack = await socket.emitWithAck('unsubscribe', { rooms: ['device:a', 'device:b'] });
    expect(ack).toEqual({
      ok: false,
      left: ['device:a'],
      rejected: [{ room: 'device:b', code: 'NOT_SUBSCRIBED', message: 'not subscribed to device:b' }],
    });
    const data = collect(socket, 'device:data');
    gw.gateway.broadcaster.publish(deviceRoom('a'), 'device:data', {
      deviceId: 'a',
      data: { t: 1 },
      timestamp: new Date().toISOString(),
    });
    await socket.emitWithAck('ping');
    expect(data).toEqual([]);
  });

  it('refuses rooms beyond SOCKET_MAX_ROOMS with LIMIT_EXCEEDED', async () => {
    const ack = await socket.emitWithAck('subscribe', { rooms: ['device:1', 'device:2', 'device:3', 'device:4'] });
    if (!('joined' in ack)) throw new Error('expected a subscribe result');
    expect(ack.joined).toEqual(['device:1', 'device:2', 'device:3']);
    expect(ack.rejected).toEqual([
      { room: 'device:4', code: 'LIMIT_EXCEEDED', message: 'a socket may be in at most 3 rooms' },
    ]);
    const again = await socket.emitWithAck('subscribe', { rooms: ['device:1'] });
    expect(again).toEqual({ ok: true, joined: ['device:1'], rejected: [] });
  });

  it('supports the legacy subscribe:device and unsubscribe:device names', async () => {
    expect(await socket.emitWithAck('subscribe:device', 'OTSM-0114')).toEqual({
      ok: true,
      joined: ['device:OTSM-0114'],
      rejected: [],
    });
    const data = nextEvent(socket, 'device:data');
    gw.gateway.broadcaster.publish(deviceRoom('OTSM-0114'), 'device:data', {
      deviceId: 'OTSM-0114',
      data: { co: 3 },
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    expect((await data).data).toEqual({ co: 3 });
    expect(await socket.emitWithAck('unsubscribe:device', 'OTSM-0114')).toEqual({
      ok: true,
      left: ['device:OTSM-0114'],
      rejected: [],
    });
    const bad = await socket.emitWithAck('subscribe:device', 'not valid!');
    expect(bad).toMatchObject({ ok: false, code: 'INVALID_ROOM' });
  });
});

describe('room permissions from the token', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
  });
  afterAll(() => gw.cleanup());

  it('rejects rooms outside the token patterns with FORBIDDEN and keeps the socket connected', async () => {
    const socket = await gw.connect({ token: mintToken({ role: 'viewer', rooms: ['device:*', 'location:Delhi'] }) });
    const ack = await socket.emitWithAck('subscribe', {
      rooms: ['device:x', 'location:delhi', 'location:mumbai', 'sensor:s1'],
    });
    expect(ack).toEqual({
      ok: false,
      joined: ['device:x', 'location:delhi'],
      rejected: [
        { room: 'location:mumbai', code: 'FORBIDDEN', message: 'your token does not allow room location:mumbai' },
        { room: 'sensor:s1', code: 'FORBIDDEN', message: 'your token does not allow room sensor:s1' },
      ],
    });
    expect(socket.connected).toBe(true);
    expect(await socket.emitWithAck('ping')).toMatchObject({ ok: true });
  });

  it('matches wildcards inside ids', async () => {
    const socket = await gw.connect({ token: mintToken({ rooms: ['sensor:greenhouse-*'] }) });
    const ack = await socket.emitWithAck('subscribe', { rooms: ['sensor:greenhouse-7', 'sensor:field-1'] });
    if (!('joined' in ack)) throw new Error('expected a subscribe result');
    expect(ack.joined).toEqual(['sensor:greenhouse-7']);
    expect(ack.rejected[0]?.code).toBe('FORBIDDEN');
  });

  it('allows every room when the token has no rooms claim', async () => {
    const socket = await gw.connect({ token: mintToken({ role: 'viewer' }) });
    const ack = await socket.emitWithAck('subscribe', { rooms: ['characteristic:bore-dia', locationRoom('Pune')] });
    expect(ack).toEqual({ ok: true, joined: ['characteristic:bore-dia', 'location:pune'], rejected: [] });
  });
});
