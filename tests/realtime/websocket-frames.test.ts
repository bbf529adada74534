import { deviceRoom, type DeviceStatusPayload } from '@roomcast/shared';
import { encodeEventFrame } from '../../server/src/broadcast/websocket-frames';
import { nextEvent, serverSocketOf, setup, type ClientSocket, type TestGateway } from '../support/gateway';

const status = (second: number): DeviceStatusPayload => ({
  deviceId: 'd1',
  online: true,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
});

/** Every Engine.IO message packet the client receives, as the text it arrived as. */
function enginePackets(client: ClientSocket): string[] {
  const seen: string[] = [];
  client.io.engine.on('packet', ({ type, data }) => {
    if (type === 'message' && typeof data === 'string') seen.push(data);
  });
  return seen;
}

/** Every event the client receives, by name, in order. */
function eventNames(client: ClientSocket): string[] {
  const seen: string[] = [];
  client.onAny((event: string) => seen.push(event));
  return seen;
}

/** The Node socket under the gateway's side of a WebSocket connection (ws's, through Engine.IO). */
function netSocketOf(gw: TestGateway, client: ClientSocket): { writableLength: number } {
  const transport = serverSocketOf(gw, client).conn.transport as unknown as {
    socket: { _socket: { writableLength: number } };
  };
  return transport.socket._socket;
}

/** The client's own Node socket (engine.io-client's ws), to stop reading from it. */
function clientNetSocketOf(client: ClientSocket): { pause(): void; resume(): void } {
  const transport = client.io.engine.transport as unknown as { ws: { _socket: { pause(): void; resume(): void } } };
  return transport.ws._socket;
}

describe('batch frames written straight to connections', () => {
  let gw: TestGateway;
  beforeEach(async () => {
    // A long interval: the tests flush by hand.
    gw = await setup({ BROADCAST_BATCH_INTERVAL_MS: '1000' });
  });
  afterEach(() => gw.cleanup());

  const subscribed = async (transports: ('websocket' | 'polling')[] = ['websocket']): Promise<ClientSocket> => {
    const client = await gw.connect({ auth: { batch: true }, transports });
    await client.emitWithAck('subscribe', { rooms: [deviceRoom('d1')] });
    return client;
  };

  it('writes the bytes Socket.IO sends, straight to a WebSocket connection and through Socket.IO to a polling one', async () => {
    const websocket = await subscribed();
    const polling = await subscribed(['polling']);
    const written = enginePackets(websocket);
    const polled = enginePackets(polling);
    const before = gw.gateway.broadcaster.batchFrameCounts();

    const arrived = Promise.all([nextEvent(websocket, 'batch'), nextEvent(polling, 'batch')]);
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status(1));
    gw.gateway.broadcaster.flush();
    const [viaWebsocket, viaPolling] = await arrived;

    expect(viaWebsocket).toEqual({ events: [['device:status', status(1)]] });
    expect(viaPolling).toEqual(viaWebsocket);
    expect(written).toEqual([`2${JSON.stringify(['batch', viaWebsocket])}`]);
    expect(written).toEqual(polled);
    const after = gw.gateway.broadcaster.batchFrameCounts();
    expect(after.written - before.written).toBe(1);
    expect(after.throughSocketIo - before.throughSocketIo).toBe(1);
  });

  it('sends a batch through Socket.IO, after them, when Engine.IO still holds packets for the connection', async () => {
    const client = await subscribed();
    const names = eventNames(client);
    const socket = serverSocketOf(gw, client);
    const before = gw.gateway.broadcaster.batchFrameCounts();

    const arrived = nextEvent(client, 'batch');
    // The first write leaves the transport busy until it completes; the second waits in Engine.IO's buffer.
    socket.emit('device:status', status(1));
    socket.emit('device:status', status(2));
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status(3));
    gw.gateway.broadcaster.flush();
    await arrived;

    expect(names).toEqual(['device:status', 'device:status', 'batch']);
    const after = gw.gateway.broadcaster.batchFrameCounts();
    expect(after.throughSocketIo - before.throughSocketIo).toBe(1);
    expect(after.written - before.written).toBe(0);
  });

  it('leaves a connection that does not keep up with what is written to it to Socket.IO, in order', async () => {
    const client = await subscribed();
    const batches: unknown[] = [];
    client.on('batch', (batch) => batches.push(batch));
    const reader = clientNetSocketOf(client);
    reader.pause();
    const serverNet = netSocketOf(gw, client);
    const before = gw.gateway.broadcaster.batchFrameCounts();

    // Batches of 1 MiB until the kernel's buffers are full and the gateway's socket keeps the rest.
    const big = (n: number) => ({
      deviceId: 'd1',
      data: { n, blob: 'x'.repeat(1 << 20) },
      timestamp: status(0).timestamp,
    });
    let sent = 0;
    while (serverNet.writableLength === 0 && sent < 256) {
      gw.gateway.broadcaster.resend(deviceRoom('d1'), 'device:data', big(sent));
      gw.gateway.broadcaster.flush();
      sent += 1;
    }
    expect(serverNet.writableLength).toBeGreaterThan(0);
    expect(gw.gateway.broadcaster.batchFrameCounts().written - before.written).toBe(sent);

    const last = nextEvent(client, 'batch', 20_000);
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status(1));
    gw.gateway.broadcaster.flush();
    reader.resume();
    await new Promise<void>((resolve) => {
      const check = (): void => {
        if (batches.length > sent) resolve();
        else setTimeout(check, 20);
      };
      check();
    });
    await last;

    expect(batches.slice(0, sent)).toEqual(
      Array.from({ length: sent }, (_, n) => ({ events: [['device:data', big(n)]] })),
    );
    expect(batches[sent]).toEqual({ events: [['device:status', status(1)]] });
    const after = gw.gateway.broadcaster.batchFrameCounts();
    expect(after.written - before.written).toBe(sent);
    expect(after.throughSocketIo - before.throughSocketIo).toBe(1);
  });

  it('goes through Socket.IO to a socket with an outgoing listener, which sees the batch', async () => {
    const client = await subscribed();
    const outgoing: string[] = [];
    serverSocketOf(gw, client).onAnyOutgoing((event: string) => outgoing.push(event));

    const arrived = nextEvent(client, 'batch');
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', status(1));
    gw.gateway.broadcaster.flush();
    await arrived;

    expect(outgoing).toEqual(['batch']);
  });

  it('sends a batch with binary data through Socket.IO to every connection, having encoded it once to find that out', async () => {
    const clients = await Promise.all([subscribed(), subscribed(), subscribed()]);
    const encode = jest.spyOn(gw.gateway.io.encoder, 'encode');
    const before = gw.gateway.broadcaster.batchFrameCounts();
    const withBlob = { ...status(1), blob: Buffer.from('binary') } as DeviceStatusPayload;

    const arrived = Promise.all(clients.map((client) => nextEvent(client, 'batch')));
    gw.gateway.broadcaster.publish(deviceRoom('d1'), 'device:status', withBlob);
    gw.gateway.broadcaster.flush();
    const batches = await arrived;

    for (const batch of batches) {
      expect(Buffer.from((batch.events[0]?.[1] as unknown as { blob: ArrayBuffer }).blob).toString()).toBe('binary');
    }
    const after = gw.gateway.broadcaster.batchFrameCounts();
    expect(after.written - before.written).toBe(0);
    expect(after.throughSocketIo - before.throughSocketIo).toBe(3);
    // Once by the batcher (which finds it does not fit a text frame), once by Socket.IO's broadcast.
    expect(encode).toHaveBeenCalledTimes(2);
  });

  it('writes nothing itself for an event that does not fit one text frame', () => {
    expect(encodeEventFrame(gw.gateway.io, 'batch', { blob: Buffer.from('binary') })).toBeNull();
    const frame = encodeEventFrame(gw.gateway.io, 'batch', { events: [] });
    const text = `42${JSON.stringify(['batch', { events: [] }])}`;
    // FIN + text opcode, unmasked length, then Engine.IO's and Socket.IO's packet types and the JSON.
    expect(frame).toEqual(Buffer.concat([Buffer.from([0x81, text.length]), Buffer.from(text)]));
  });
});
