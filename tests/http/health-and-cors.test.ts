import { io as connectClient } from 'socket.io-client';
import { mintToken, setup, type TestGateway } from '../support/gateway';

describe('GET /health', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
    await gw.gateway.mqtt.whenConnected();
  });
  afterAll(() => gw.cleanup());

  it('answers 200 with status, version, uptime, connections and components, without a token', async () => {
    await gw.connect();
    const response = await fetch(`${gw.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      uptimeSeconds: expect.any(Number),
      connections: 1,
      components: {
        adapter: { status: 'up', type: 'memory' },
        mqtt: expect.objectContaining({ status: expect.stringMatching(/^(up|degraded)$/), embedded: true }),
        store: expect.objectContaining({ status: 'up', backend: 'sqlite' }),
      },
    });
  });

  it('reports degraded, still with 200, when a component is not up', async () => {
    gw.gateway.health.register('probe', () => ({ status: 'down', reason: 'unplugged' }));
    const response = await fetch(`${gw.url}/health`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; components: Record<string, unknown> };
    expect(body.status).toBe('degraded');
    expect(body.components.probe).toEqual({ status: 'down', reason: 'unplugged' });
  });
});

describe('REST authentication', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup();
  });
  afterAll(() => gw.cleanup());

  it('answers 401 with a JSON error body when the Bearer token is missing or bad', async () => {
    const cases: Record<string, string>[] = [
      {},
      { Authorization: 'Bearer nope' },
      { Authorization: `Bearer ${mintToken({ expiresIn: -60 })}` },
    ];
    for (const headers of cases) {
      const response = await fetch(`${gw.url}/me`, { headers });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    }
  });

  it('does not take the token from the query string on REST', async () => {
    const response = await fetch(`${gw.url}/me?token=${mintToken()}`);
    expect(response.status).toBe(401);
  });

  it('returns who the token says the caller is', async () => {
    const token = mintToken({ sub: 'alice', role: 'viewer', rooms: ['device:*', 'location:Delhi'] });
    const response = await fetch(`${gw.url}/me`, { headers: { Authorization: `Bearer ${token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sub: 'alice', role: 'viewer', rooms: ['device:*', 'location:delhi'] });
  });

  it('answers unknown routes with 404 and a JSON error body', async () => {
    const response = await fetch(`${gw.url}/nothing-here`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /nothing-here' } });
  });
});

describe('CORS', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ NODE_ENV: 'production', ALLOWED_ORIGINS: 'https://dash.example.com, https://ops.example.com/' });
  });
  afterAll(() => gw.cleanup());

  it('allows a listed origin', async () => {
    const response = await fetch(`${gw.url}/health`, { headers: { Origin: 'https://ops.example.com' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://ops.example.com');
  });

  it('answers a preflight from a listed origin', async () => {
    const response = await fetch(`${gw.url}/me`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://dash.example.com',
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://dash.example.com');
  });

  it('refuses an unlisted origin with 403 ORIGIN_NOT_ALLOWED and no CORS headers', async () => {
    const response = await fetch(`${gw.url}/health`, { headers: { Origin: 'https://evil.example.com' } });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(await response.json()).toEqual({
      error: { code: 'ORIGIN_NOT_ALLOWED', message: 'origin https://evil.example.com is not in ALLOWED_ORIGINS' },
    });
  });

  it('refuses localhost origins in production unless listed', async () => {
    const response = await fetch(`${gw.url}/health`, { headers: { Origin: 'http://localhost:5173' } });
    expect(response.status).toBe(403);
  });

  it('refuses a socket handshake from an unlisted origin, on websocket and polling', async () => {
    for (const transport of ['websocket', 'polling'] as const) {
      const socket = connectClient(gw.url, {
        transports: [transport],
        auth: { token: mintToken() },
        extraHeaders: { Origin: 'https://evil.example.com' },
        reconnection: false,
      });
      const error = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
      expect(error).toBeInstanceOf(Error);
      expect(socket.connected).toBe(false);
      socket.close();
    }
  });

  it('accepts a socket handshake from a listed origin', async () => {
    const socket = await gw.connect({ extraHeaders: { Origin: 'https://dash.example.com' } });
    expect(socket.connected).toBe(true);
  });
});

describe('CORS in development', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ NODE_ENV: 'development' });
  });
  afterAll(() => gw.cleanup());

  it('allows localhost origins on any port', async () => {
    const response = await fetch(`${gw.url}/health`, { headers: { Origin: 'http://localhost:5173' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
  });

  it('still refuses other origins', async () => {
    const response = await fetch(`${gw.url}/health`, { headers: { Origin: 'https://evil.example.com' } });
    expect(response.status).toBe(403);
  });
});
