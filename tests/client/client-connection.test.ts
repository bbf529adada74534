import {
  createClient,
  ErrorCode,
  RoomcastError,
  type ClientOptions,
  type ClientState,
  type RoomcastClient,
  type StateChange,
} from '@roomcast/client';
import { mintToken, setup, type TestGateway } from '../support/gateway';
import { eventually } from '../support/mqtt';
import { rejection } from '../support/rejections';

/** Short delays so reconnect tests run fast; the schedule itself is specified in reconnect.test.ts. */
const FAST = { minDelayMs: 20, maxDelayMs: 100 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('client connection', () => {
  let gw: TestGateway;
  const clients: RoomcastClient[] = [];
  /** Handshakes the gateway saw (engine connections): one per connection attempt. */
  let handshakes = 0;

  const open = (
    options: Partial<ClientOptions> & ({ token: string } | { getToken: () => string | Promise<string> }),
  ) => {
    const client = createClient({ url: gw.url, reconnect: FAST, ...options } as ClientOptions);
    clients.push(client);
    return client;
  };
  const statesOf = (client: RoomcastClient): StateChange<ClientState>[] => {
    const changes: StateChange<ClientState>[] = [];
    client.on('state', (change) => changes.push(change));
    return changes;
  };

  beforeAll(async () => {
    gw = await setup();
    gw.gateway.io.engine.on('connection', () => (handshakes += 1));
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });
  afterAll(() => gw.cleanup());

  it('moves disconnected → connecting → connected, emitting each change once and in order; ready() resolves', async () => {
    const client = open({ token: mintToken(), autoConnect: false });
    const changes = statesOf(client);
    const connected: { recovered: boolean }[] = [];
    client.on('connected', (info) => connected.push(info));
    expect(client.state).toBe('disconnected');
    expect((await rejection(client.ready())).code).toBe(ErrorCode.UNAVAILABLE);

    client.connect();
    expect(client.state).toBe('connecting');
    await client.ready();
    expect(client.state).toBe('connected');
    expect(changes).toEqual([
      { oldState: 'disconnected', newState: 'connecting' },
      { oldState: 'connecting', newState: 'connected' },
    ]);
    expect(connected).toEqual([{ recovered: false }]);
    await expect(client.ready()).resolves.toBeUndefined();
    client.connect(); // already connected: nothing happens
    expect(changes).toHaveLength(2);
  });

  it('autoConnect (the default) starts connecting at once', async () => {
    const client = open({ token: mintToken() });
    expect(client.state).toBe('connecting');
    await client.ready();
    expect(client.state).toBe('connected');
  });

  it('disconnect() closes for good: state closed, subscriptions unsubscribed, no reconnect, calls refused', async () => {
    const client = open({ token: mintToken({ sub: 'closing' }) });
    const changes = statesOf(client);
    await client.ready();
    const subscription = client.subscribe({ device: 'closing-1' });
    await subscription.ready();
    const pending = new Promise<void>((resolve) => client.on('state', () => resolve()));

    client.disconnect();
    await pending;
    expect(client.state).toBe('closed');
    expect(changes.at(-1)).toEqual({ oldState: 'connected', newState: 'closed' });
    expect(subscription.state).toBe('unsubscribed');
    expect((await rejection(client.ready())).code).toBe(ErrorCode.UNAVAILABLE);
    expect((await rejection(client.ping())).code).toBe(ErrorCode.UNAVAILABLE);
    expect(client.subscribe({ device: 'closing-2' }).state).toBe('error');
    expect(() => client.connect()).toThrow(RoomcastError);
    client.disconnect(); // idempotent
    expect(changes.filter((change) => change.newState === 'closed')).toHaveLength(1);

    await eventually(async () => (await gw.gateway.io.fetchSockets()).every((s) => s.data.user.sub !== 'closing'));
    const before = handshakes;
    await sleep(300);
    expect(handshakes).toBe(before);
  });

  it('a disconnect() while connecting rejects the pending ready() and never connects', async () => {
    const client = open({ getToken: () => sleep(100).then(() => mintToken({ sub: 'never' })) });
    const ready = client.ready();
    client.disconnect();
    expect((await rejection(ready)).message).toMatch(/closed/);
    await sleep(250);
    expect((await gw.gateway.io.fetchSockets()).some((s) => s.data.user.sub === 'never')).toBe(false);
  });

  describe('tokens', () => {
    it('a fixed token that is refused: error UNAUTHORIZED, state disconnected, ready() rejects, and no retries', async () => {
      const before = handshakes;
      const client = open({ token: mintToken({ expiresIn: -60 }), autoConnect: false });
      const changes = statesOf(client);
      const errors: RoomcastError[] = [];
      client.on('error', (error) => errors.push(error));
      client.connect();
      const failure = await rejection(client.ready());

      expect(failure).toBeInstanceOf(RoomcastError);
      expect(failure.code).toBe(ErrorCode.UNAUTHORIZED);
      expect(failure.message).toMatch(/expired/);
      expect(errors.map((e) => e.code)).toEqual([ErrorCode.UNAUTHORIZED]);
      expect(client.state).toBe('disconnected');
      expect(changes).toEqual([
        { oldState: 'disconnected', newState: 'connecting' },
        { oldState: 'connecting', newState: 'disconnected' },
      ]);
      // With 20 ms delays a retry loop would make dozens of attempts in this window.
      await sleep(500);
      expect(handshakes - before).toBe(1);
      expect(errors).toHaveLength(1);
      expect((await rejection(client.ready())).code).toBe(ErrorCode.UNAUTHORIZED);
    });

    it('getToken: a refused token is retried with backoff, and the fresh token is used', async () => {
      const tokens = [mintToken({ expiresIn: -60 }), mintToken({ sub: 'fresh' })];
      let calls = 0;
      const client = open({
        getToken: async () => tokens[Math.min(calls++, tokens.length - 1)] as string,
      });
      const errors: RoomcastError[] = [];
      client.on('error', (error) => errors.push(error));
      await client.ready();
      expect(calls).toBe(2);
      expect(errors.map((e) => e.code)).toEqual([ErrorCode.UNAUTHORIZED]);
      expect((await gw.gateway.io.fetchSockets()).some((s) => s.data.user.sub === 'fresh')).toBe(true);
    });

    it('getToken is asked again before every reconnect, so an expired token is replaced', async () => {
      const subs: string[] = [];
      const client = open({
        getToken: () => {
          const sub = subs.length === 0 ? 'short-lived' : 'renewed';
          subs.push(sub);
          return mintToken({ sub, expiresIn: sub === 'short-lived' ? 1 : 300 });
        },
      });
      await client.ready();
      expect(subs).toEqual(['short-lived']);
      await sleep(2100); // the first token has expired: reusing it would be refused

      const reconnected = new Promise<void>((resolve) =>
        client.on('state', ({ newState }) => newState === 'connected' && resolve()),
      );
      for (const socket of await gw.gateway.io.fetchSockets()) {
        if (socket.data.user.sub === 'short-lived') socket.disconnect(true);
      }
      await reconnected;
      expect(subs).toEqual(['short-lived', 'renewed']);
      const users = (await gw.gateway.io.fetchSockets()).map((s) => s.data.user.sub);
      expect(users).toContain('renewed');
      expect(users).not.toContain('short-lived');
    }, 10_000);

    it('getToken failing is reported and retried, not fatal', async () => {
      let calls = 0;
      const client = open({
        getToken: () => {
          calls += 1;
          if (calls === 1) throw new Error('identity provider unreachable');
          return mintToken();
        },
      });
      const errors: RoomcastError[] = [];
      client.on('error', (error) => errors.push(error));
      await client.ready();
      expect(calls).toBe(2);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: ErrorCode.UNAUTHORIZED, message: 'getToken() failed' });
    });
  });

  it('rejects options that cannot work with BAD_REQUEST', () => {
    const bad = [
      { url: gw.url } as ClientOptions,
      { url: '', token: 't' },
      { url: gw.url, token: 't', reconnect: { minDelayMs: 100, maxDelayMs: 10 } },
      { url: gw.url, token: 't', transports: [] },
    ];
    for (const options of bad) {
      expect(() => createClient({ ...options, autoConnect: false })).toThrow(
        expect.objectContaining({ code: ErrorCode.BAD_REQUEST }),
      );
    }
  });
});
