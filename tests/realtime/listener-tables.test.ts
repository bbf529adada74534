import { EventEmitter } from 'node:events';
import type { Socket as NetSocket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { compactListenerTable, dropUpgradeErrorListener } from '../../server/src/realtime/compact-listener-tables';
import type { GatewaySocket } from '../../server/src/realtime/types';
import {
  expectDelivery,
  serverSocketOf,
  setup,
  whenUpgraded,
  type ClientSocket,
  type TestGateway,
} from '../support/gateway';

/**
 * A connection's emitters keep their listeners in compact tables once it is set up: memory
 * is the reason, so the checks ask V8 whether each table is a hash table ("dictionary mode")
 * or an ordinary object, and then make sure every listener still does its job.
 */

setFlagsFromString('--allow-natives-syntax');
const hasFastProperties = runInNewContext('(object) => %HasFastProperties(object)') as (object: object) => boolean;

function tableOf(emitter: EventEmitter): object {
  return (emitter as EventEmitter & { _events: object })._events;
}

describe('compactListenerTable', () => {
  function emitterWithListeners(): { emitter: EventEmitter; calls: string[] } {
    const emitter = new EventEmitter();
    const calls: string[] = [];
    emitter.on('data', () => calls.push('data 1'));
    emitter.on('data', () => calls.push('data 2'));
    emitter.on('data', () => calls.push('data 3'));
    emitter.once('end', () => calls.push('end'));
    emitter.on(Symbol.for('kind'), () => calls.push('symbol'));
    return { emitter, calls };
  }

  it('starts from what Node makes: a listener table V8 keeps as a hash table', () => {
    const { emitter } = emitterWithListeners();
    expect(hasFastProperties(tableOf(emitter))).toBe(false);
  });

  it('keeps every listener, in order, with the same count, in an ordinary object without a prototype', () => {
    const { emitter, calls } = emitterWithListeners();
    const before = emitter.eventNames().map((name) => [name, emitter.rawListeners(name)] as const);
    const count = emitter.listenerCount('data');

    compactListenerTable(emitter);

    expect(hasFastProperties(tableOf(emitter))).toBe(true);
    expect(Object.getPrototypeOf(tableOf(emitter))).toBeNull();
    expect(emitter.eventNames().map((name) => [name, emitter.rawListeners(name)] as const)).toEqual(before);
    expect(emitter.listenerCount('data')).toBe(count);
    emitter.emit('data');
    emitter.emit('end');
    emitter.emit('end');
    emitter.emit(Symbol.for('kind'));
    expect(calls).toEqual(['data 1', 'data 2', 'data 3', 'end', 'symbol']);
  });

  it('copies a list of listeners rather than sharing it, and keeps the mark Node sets on one it warned about', () => {
    const emitter = new EventEmitter();
    emitter.on('data', () => undefined);
    emitter.on('data', () => undefined);
    const before = (tableOf(emitter) as Record<string, unknown[] & { warned?: boolean }>).data;
    if (before === undefined) throw new Error('two listeners of one event make a list');
    // What Node does to a list once it has printed a MaxListenersExceededWarning for it.
    before.warned = true;

    compactListenerTable(emitter);

    const after = (tableOf(emitter) as Record<string, unknown[] & { warned?: boolean }>).data;
    expect(after).not.toBe(before);
    expect(after).toEqual(before);
    expect(after?.warned).toBe(true);
  });

  it('lets listeners be added and removed afterwards, down to none', () => {
    const { emitter, calls } = emitterWithListeners();
    compactListenerTable(emitter);
    const late = (): number => calls.push('late');
    emitter.on('late', late);
    emitter.emit('late');
    emitter.off('late', late);
    emitter.emit('late');
    emitter.removeAllListeners('data');
    emitter.emit('data');
    emitter.removeAllListeners();
    expect(emitter.eventNames()).toEqual([]);
    expect(calls).toEqual(['late']);
  });

  it('leaves a table that is not Node’s own as it is', () => {
    const emitter = new EventEmitter();
    const foreign = { data: () => undefined };
    (emitter as EventEmitter & { _events: object })._events = foreign;
    compactListenerTable(emitter);
    expect(tableOf(emitter)).toBe(foreign);
  });
});

describe('dropUpgradeErrorListener', () => {
  // Engine.IO's listener is a function declaration of that name.
  function onUpgradeError(): void {}
  const onError = (): void => undefined;

  it('drops Engine.IO’s pre-connection error listener once another one takes errors', () => {
    const webSocket = new EventEmitter();
    webSocket.on('error', onUpgradeError);
    webSocket.on('error', onError);
    dropUpgradeErrorListener(webSocket);
    expect(webSocket.listeners('error')).toEqual([onError]);
  });

  it('keeps it when it is the only one, since an error without a listener would throw', () => {
    const webSocket = new EventEmitter();
    webSocket.on('error', onUpgradeError);
    dropUpgradeErrorListener(webSocket);
    expect(webSocket.listeners('error')).toEqual([onUpgradeError]);
    expect(() => webSocket.emit('error', new Error('reset'))).not.toThrow();
  });
});

describe('a connected socket', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
  });
  afterAll(() => gw.cleanup());

  /** Socket.IO's socket, Engine.IO's socket and transport, ws's WebSocket and Receiver, Node's net.Socket. */
  function stackOf(socket: GatewaySocket): Record<string, EventEmitter> {
    const transport = socket.conn.transport as unknown as EventEmitter & { socket: EventEmitter };
    const webSocket = transport.socket as EventEmitter & { _receiver: EventEmitter; _socket: EventEmitter };
    return {
      'Socket.IO socket': socket,
      'Engine.IO socket': socket.conn,
      'Engine.IO transport': transport,
      'ws WebSocket': webSocket,
      'ws Receiver': webSocket._receiver,
      'net.Socket': webSocket._socket,
    };
  }

  function expectCompact(socket: GatewaySocket): void {
    for (const [name, emitter] of Object.entries(stackOf(socket))) {
      expect({ name, emitter: emitter instanceof EventEmitter }).toEqual({ name, emitter: true });
      expect({ name, compact: hasFastProperties(tableOf(emitter)) }).toEqual({ name, compact: true });
    }
  }

  /** Subscribes, receives a broadcast and is answered a ping. */
  async function expectWorking(client: ClientSocket, device: string): Promise<void> {
    await expectDelivery(gw, client, device);
    expect(await client.emitWithAck('ping')).toMatchObject({ ok: true });
  }

  it('keeps its listeners in compact tables over its whole stack, and still works', async () => {
    const client = await gw.connect();
    const socket = serverSocketOf(gw, client);
    expectCompact(socket);

    await expectWorking(client, 'tables-ws');
    // Listeners added after the compaction (the first subscribe's) keep the tables compact.
    expectCompact(socket);
    const left = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    client.disconnect();
    expect(await left).toBe('client namespace disconnect');
  });

  it('keeps a listener for WebSocket errors: a malformed frame closes the connection, not the gateway', async () => {
    const client = await gw.connect();
    const socket = serverSocketOf(gw, client);
    const webSocket = stackOf(socket)['ws WebSocket'];
    expect(webSocket?.listeners('error').map((listener) => listener.name)).not.toContain('onUpgradeError');
    expect(webSocket?.listenerCount('error')).toBeGreaterThan(0);

    const left = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    // A client frame must be masked: an unmasked one is a protocol error on the server.
    const raw = (client.io.engine.transport as unknown as { ws: { _socket: NetSocket } }).ws._socket;
    raw.write(Buffer.from([0x81, 0x01, 0x41]));
    expect(await left).toBe('transport error');

    const next = await gw.connect();
    await expectWorking(next, 'tables-after-error');
    next.disconnect();
  });

  it('copies Engine.IO’s list of cleanups to its length, and still runs them when the client leaves', async () => {
    let original: unknown[] | null = null;
    gw.gateway.io.engine.once('connection', (engineSocket: { cleanupFn: unknown[] }) => {
      original = engineSocket.cleanupFn;
    });
    const client = await gw.connect();
    const socket = serverSocketOf(gw, client);
    const engineSocket = socket.conn as unknown as { cleanupFn: unknown[] };
    if (original === null) throw new Error('the engine saw no connection');
    expect(engineSocket.cleanupFn).not.toBe(original);
    expect(engineSocket.cleanupFn).toEqual(original);
    expect(engineSocket.cleanupFn.length).toBeGreaterThan(0);

    const transport = socket.conn.transport as unknown as EventEmitter;
    expect(transport.listenerCount('packet')).toBe(1);
    const closed = new Promise((resolve) => socket.conn.once('close', resolve));
    client.disconnect();
    await closed;
    // The cleanup removes the Engine.IO socket's listeners from the transport.
    expect(transport.listenerCount('packet')).toBe(0);
  });

  it('sees the server close it', async () => {
    const client = await gw.connect();
    const closed = new Promise<string>((resolve) => client.once('disconnect', resolve));
    serverSocketOf(gw, client).disconnect(true);
    expect(await closed).toBe('io server disconnect');
  });

  it('compacts a long-polling session again once it upgrades to WebSocket', async () => {
    const client = await gw.connect({ transports: ['polling', 'websocket'] });
    await whenUpgraded(client);
    const socket = serverSocketOf(gw, client);
    // The server switches transports when the client's upgrade packet arrives.
    for (let attempt = 0; attempt < 50 && socket.conn.transport.name !== 'websocket'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(socket.conn.transport.name).toBe('websocket');
    expectCompact(socket);
    await expectWorking(client, 'tables-upgraded');
  });
});
