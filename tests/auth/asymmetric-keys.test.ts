import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { setup, type TestGateway } from '../support/gateway';
import { handshakeRejection } from '../support/rejections';

interface PemPair {
  publicKey: string;
  privateKey: string;
}

const rsaPair = (): PemPair =>
  generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
const rsa = rsaPair();
const ec: PemPair = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  publicKeyEncoding: { type: 'spki', format: 'pem' },
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
});

const claims = { sub: 'dashboard-7', role: 'viewer', rooms: ['device:*'] };

/** Signs the way an identity provider (or an attacker) would, with jsonwebtoken and no gateway code. */
function sign(key: string, algorithm: jwt.Algorithm): string {
  return jwt.sign(claims, key, { algorithm, expiresIn: 300 });
}

async function getMe(gw: TestGateway, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${gw.url}/me`, { headers: { Authorization: `Bearer ${token}` } });
  return { status: response.status, body: await response.json() };
}

describe('a gateway verifying with an RSA public key (RS256)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    // setup() passes JWT_SECRET by default; the schema treats '' as unset.
    gw = await setup({ JWT_SECRET: '', JWT_PUBLIC_KEY: rsa.publicKey });
  });
  afterAll(() => gw.cleanup());

  it('pins RS256 from the key type', () => {
    expect(gw.gateway.config.auth.algorithm).toBe('RS256');
  });

  it('accepts a socket handshake with an RS256 token signed by the private key', async () => {
    const socket = await gw.connect({ token: sign(rsa.privateKey, 'RS256') });
    expect(socket.connected).toBe(true);
  });

  it('accepts the same token on REST', async () => {
    const { status, body } = await getMe(gw, sign(rsa.privateKey, 'RS256'));
    expect(status).toBe(200);
    expect(body).toEqual({ sub: 'dashboard-7', role: 'viewer', rooms: ['device:*'] });
  });

  describe('algorithm confusion: an HS256 token whose secret is the public key PEM text', () => {
    const forged = (): string => sign(rsa.publicKey, 'HS256');

    it('is a correctly signed HMAC token, so only the pinned algorithm can refuse it', () => {
      // jsonwebtoken 9 refuses PEM text as an HMAC secret on its own; older or hand-rolled verifiers did not.
      const [header = '', payload = '', signature] = forged().split('.');
      expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toMatchObject({ alg: 'HS256' });
      expect(createHmac('sha256', rsa.publicKey).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
    });

    it('is refused at the socket handshake with UNAUTHORIZED', async () => {
      const error = await handshakeRejection(gw.connect({ token: forged() }));
      expect(error.data?.code).toBe('UNAUTHORIZED');
      expect(error.data?.message).toMatch(/invalid algorithm/);
    });

    it('is refused on REST with 401', async () => {
      const { status, body } = await getMe(gw, forged());
      expect(status).toBe(401);
      expect(body).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.any(String) } });
    });
  });

  it('refuses an RS256 token signed by another RSA key', async () => {
    const other = rsaPair();
    const error = await handshakeRejection(gw.connect({ token: sign(other.privateKey, 'RS256') }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.message).toMatch(/invalid signature/);
  });
});

describe('a gateway verifying with an EC P-256 public key (ES256)', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await setup({ JWT_SECRET: '', JWT_PUBLIC_KEY: ec.publicKey });
  });
  afterAll(() => gw.cleanup());

  it('accepts an ES256 token signed by its private key', async () => {
    const socket = await gw.connect({ token: sign(ec.privateKey, 'ES256') });
    expect(socket.connected).toBe(true);
  });

  it('refuses an RS256 token with UNAUTHORIZED', async () => {
    const error = await handshakeRejection(gw.connect({ token: sign(rsa.privateKey, 'RS256') }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
    expect(error.data?.message).toMatch(/invalid algorithm/);
  });

  it('refuses an HS256 token whose secret is its public key PEM text', async () => {
    const error = await handshakeRejection(gw.connect({ token: sign(ec.publicKey, 'HS256') }));
    expect(error.data?.code).toBe('UNAUTHORIZED');
  });
});
