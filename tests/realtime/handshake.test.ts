import jwt from 'jsonwebtoken';
import { io as connectClient } from 'socket.io-client';
import { mintToken, nextEvent, setup, TEST_SECRET, type TestGateway } from '../support/gateway';
import { handshakeRejection } from '../support/rejections';

describe('socket handshake', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ JWT_ISSUER: 'https://id.example.com', JWT_AUDIENCE: 'roomcast' });
  });
  afterAll(() => gw.cleanup());

  const valid = (options: Parameters<typeof mintToken>[0] = {}): string =>
    mintToken({ ...options, signOptions: { issuer: 'https://id.example.com', audience: 'roomcast' } });

  it('accepts a valid token in auth.token and greets with connection_status', async () => {
    const socket = connectClient(gw.url, { transports: ['websocket'], auth: { token: valid() }, reconnection: false });
    const status = await nextEvent(socket, 'connection_status');
    expect(status).toEqual({
      status: 'connected',
      clientId: socket.id,
      activeClients: expect.any(Number),
      serverTime: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
    expect(status.activeClients).toBeGreaterThanOrEqual(1);
    socket.disconnect();
  });

  it('accepts the token from an Authorization Bearer header', async () => {
    const socket = await gw.connect({ token: null, extraHeaders: { Authorization: `Bearer ${valid()}` } });
    expect(socket.connected).toBe(true);
  });

  it('accepts the token from the ?token= query parameter', async () => {
    const socket = connectClient(gw.url, {
      transports: ['websocket'],
      query: { token: valid() },
      reconnection: false,
    });
    await nextEvent(socket, 'connection_status');
    expect(socket.connected).toBe(true);
    socket.disconnect();
  });

  it('accepts the token over HTTP long-polling too', async () => {
    const socket = connectClient(gw.url, { transports: ['polling'], auth: { token: valid() }, reconnection: false });
    await nextEvent(socket, 'connection_status');
    socket.disconnect();
  });

  it.each([
    ['no token', null, /token is required/],
    ['a bad signature', mintToken({ secret: 'another-secret-of-sufficient-length-0123456789' }), /invalid signature/],
    ['an expired token', valid({ expiresIn: -60 }), /expired/],
    [
      'the wrong audience',
      mintToken({ signOptions: { issuer: 'https://id.example.com', audience: 'other' } }),
      /audience/,
    ],
    [
      'the wrong issuer',
      mintToken({ signOptions: { issuer: 'https://evil.example.com', audience: 'roomcast' } }),
      /issuer/,
    ],
    ['an unknown role', valid({ extra: { role: 'root' } }), /claims are invalid/],
    ['a malformed room pattern', valid({ rooms: ['device:a b'] }), /claims are invalid/],
    ['garbage', 'not-a-jwt', /malformed/],
  ])('rejects %s with connect_error UNAUTHORIZED', async (_label, token, message) => {
    const error = await handshakeRejection(gw.connect({ token }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.message).toMatch(message);
    expect(error.data?.message).toBe(error.message);
  });

  it('rejects alg "none" even when the claims are right', async () => {
    const unsigned = jwt.sign({ sub: 'mallory', role: 'admin', aud: 'roomcast', iss: 'https://id.example.com' }, '', {
      algorithm: 'none',
      expiresIn: 300,
    });
    const error = await handshakeRejection(gw.connect({ token: unsigned }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });

  it('rejects a token without exp', async () => {
    const forever = jwt.sign(
      { sub: 'x', role: 'viewer', aud: 'roomcast', iss: 'https://id.example.com' },
      TEST_SECRET,
      {
        algorithm: 'HS256',
      },
    );
    const error = await handshakeRejection(gw.connect({ token: forever }));
    expect(error.data).toEqual({ code: 'UNAUTHORIZED', message: 'token has no exp claim' });
  });

  it('rejects an HS384 token although the secret matches: the algorithm is pinned', async () => {
    const token = mintToken({
      signOptions: { algorithm: 'HS384', issuer: 'https://id.example.com', audience: 'roomcast' },
    });
    const error = await handshakeRejection(gw.connect({ token }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });
});
