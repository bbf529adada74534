import { ServerResponse, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { ClientEventName } from '@roomcast/shared';
import {
  expectDelivery,
  mintToken,
  serverSocketOf,
  setup,
  whenUpgraded,
  type ConnectOptions,
  type TestGateway,
} from '../support/gateway';

/**
 * What an idle connection keeps once it is authenticated: nothing of its handshake request
 * and no token, and no per-connection listener functions. Memory is the reason, so the
 * checks look at the server-side objects, then make sure the connection still works.
 */

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** True once nothing holds the object any more: a WeakRef empties at a full collection after the current job. */
async function isCollected(ref: WeakRef<object>): Promise<boolean> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    collectGarbage();
    if (ref.deref() === undefined) return true;
  }
  return false;
}

const CLIENT_EVENTS: ClientEventName[] = [
  'subscribe',
  'unsubscribe',
  'subscribe:device',
  'unsubscribe:device',
  'refresh',
  'ping',
  'alert:acknowledge',
  'violation:acknowledge',
];

describe('an authenticated connection', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
  });
  afterAll(() => gw.cleanup());

  it.each<[string, (token: string) => ConnectOptions]>([
    ['auth.token', (token) => ({ token })],
    ['an Authorization header', (token) => ({ token: null, extraHeaders: { Authorization: `Bearer ${token}` } })],
    ['?token=', (token) => ({ token: null, query: { token } })],
    ['long-polling', (token) => ({ token, transports: ['polling'] })],
  ])('keeps neither the handshake request nor the token it got in %s, and still works', async (_label, options) => {
    const token = mintToken({ sub: 'footprint' });
    const client = await gw.connect(options(token));
    const socket = serverSocketOf(gw, client);

    expect(socket.conn.request).toBeNull();
    expect(socket.handshake).toMatchObject({ headers: {}, query: {}, auth: {}, url: '' });
    expect(JSON.stringify(socket.handshake)).not.toContain(token);
    // What the server itself derived stays.
    expect(socket.handshake.address).toMatch(/127\.0\.0\.1/);
    expect(socket.handshake.issued).toBeGreaterThan(0);
    expect(socket.data.user.sub).toBe('footprint');

    await expectDelivery(gw, client, `footprint-${client.id ?? ''}`);
    client.disconnect();
  });

  it('lets the WebSocket upgrade request be garbage-collected', async () => {
    let request: WeakRef<IncomingMessage> | null = null;
    const remember = (engineSocket: { request: IncomingMessage }): void => {
      request = new WeakRef(engineSocket.request);
    };
    gw.gateway.io.engine.once('connection', remember);
    const client = await gw.connect();
    if (request === null) throw new Error('the engine saw no connection');

    expect(await isCollected(request)).toBe(true);
    await expectDelivery(gw, client, 'footprint-ws');
    client.disconnect();
  });

  it('lets Engine.IO’s stand-in response to the upgrade be garbage-collected, and still sees the client leave', async () => {
    let standIn: WeakRef<object> | null = null;
    let watching = true;
    // Runs after the gateway's own middleware, on every upgrade of this suite's gateway.
    gw.gateway.io.engine.use((_req: IncomingMessage, res: object, next: () => void) => {
      if (watching && !(res instanceof ServerResponse)) standIn = new WeakRef(res);
      next();
    });
    const client = await gw.connect();
    watching = false;
    if (standIn === null) throw new Error('no WebSocket upgrade went through the middlewares');

    expect(await isCollected(standIn)).toBe(true);
    await expectDelivery(gw, client, 'footprint-stand-in');
    const socket = serverSocketOf(gw, client);
    const left = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    client.disconnect();
    expect(await left).toBe('client namespace disconnect');
  });

  it('lets a long-polling session’s upgrade request be garbage-collected too', async () => {
    let request: WeakRef<IncomingMessage> | null = null;
    const remember = (_headers: unknown, req: IncomingMessage): void => {
      if (req.headers.upgrade !== undefined) request = new WeakRef(req);
    };
    gw.gateway.io.engine.on('headers', remember);
    const client = await gw.connect({ transports: ['polling', 'websocket'] });
    await whenUpgraded(client);
    gw.gateway.io.engine.off('headers', remember);
    if (request === null) throw new Error('the session was not upgraded');

    expect(await isCollected(request)).toBe(true);
    await expectDelivery(gw, client, 'footprint-upgraded');
    client.disconnect();
  });

  it('does not pin the last frame it received (ws releases the mask that points into it)', async () => {
    const client = await gw.connect();
    await expectDelivery(gw, client, 'footprint-last-frame');
    const transport = serverSocketOf(gw, client).conn.transport as unknown as {
      socket: { _receiver: { _mask?: Buffer } };
    };
    expect(transport.socket._receiver._mask).toBeUndefined();
    client.disconnect();
  });

  it('holds no listener of its own until it sends an event, then the one listener every connection shares', async () => {
    const [first, second] = await Promise.all([gw.connect(), gw.connect()]);
    const [a, b] = [serverSocketOf(gw, first), serverSocketOf(gw, second)];
    for (const event of CLIENT_EVENTS) expect(a.listeners(event)).toHaveLength(0);
    // The one catch-all that gives a connection its listeners and answers unknown events is shared.
    expect(a.listenersAny()).toHaveLength(1);
    expect(a.listenersAny()[0]).toBe(b.listenersAny()[0]);

    await expectDelivery(gw, first, 'footprint-shared-1');
    await expectDelivery(gw, second, 'footprint-shared-2');
    await first.emitWithAck('subscribe', { rooms: ['device:footprint-shared-3'] });
    expect(a.listeners('subscribe')).toHaveLength(1);
    expect(a.listeners('subscribe')[0]).toBe(b.listeners('subscribe')[0]);
    for (const event of CLIENT_EVENTS.filter((name) => name !== 'subscribe')) {
      expect(a.listeners(event)).toHaveLength(0);
    }
    // Every event works the first time it is sent, not only from the second time on.
    const pong = await second.emitWithAck('ping');
    expect(pong).toMatchObject({ ok: true });
    expect(b.listeners('ping')).toHaveLength(1);
  });
});
