import { generateKeyPairSync } from 'node:crypto';
import { ConfigError, loadConfig, type Env, type GatewayConfig } from '@roomcast/server';

const SECRET = 'a-secret-that-is-long-enough-for-hs256-0123456789';

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
const ecPair = (namedCurve = 'P-256'): PemPair =>
  generateKeyPairSync('ec', {
    namedCurve,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });

/** Loads the config, expecting it to be refused; returns the error so each test can read its problems. */
function refused(env: Env): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`expected loadConfig to refuse ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('listens on port 3000 on every interface with pretty logs at info in development', () => {
      const config = loadConfig({});
      expect(config.env).toBe('development');
      expect(config.http).toEqual({ host: '0.0.0.0', port: 3000, allowedOrigins: [], allowLocalhostOrigins: true });
      expect(config.log).toEqual({ level: 'info', format: 'pretty' });
    });

    it('writes JSON logs and allows no localhost origins in production', () => {
      const config = loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET });
      expect(config.log.format).toBe('json');
      expect(config.http.allowLocalhostOrigins).toBe(false);
    });

    it('lets LOG_FORMAT override the format chosen from NODE_ENV', () => {
      expect(loadConfig({ LOG_FORMAT: 'json' }).log.format).toBe('json');
      expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: SECRET, LOG_FORMAT: 'pretty' }).log.format).toBe(
        'pretty',
      );
    });

    it('treats an empty variable as unset', () => {
      expect(loadConfig({ PORT: '', LOG_FORMAT: '', ALLOWED_ORIGINS: '' }).http.port).toBe(3000);
    });
  });

  describe('port', () => {
    it('prefers PORT over HTTP_PORT', () => {
      expect(loadConfig({ PORT: '4000', HTTP_PORT: '5000' }).http.port).toBe(4000);
    });

    it('accepts HTTP_PORT alone', () => {
      expect(loadConfig({ HTTP_PORT: '5000' }).http.port).toBe(5000);
    });

    it('accepts 0, which picks a free port', () => {
      expect(loadConfig({ PORT: '0' }).http.port).toBe(0);
    });
  });

  describe('each bad value is refused with the variable and what it expects', () => {
    it.each<[string, Env, RegExp]>([
      ['PORT that is not a number', { PORT: 'abc' }, /^PORT must be a port number \(0-65535/],
      ['PORT above 65535', { PORT: '70000' }, /^PORT must be a port number \(0-65535/],
      ['HTTP_PORT that is not a number', { HTTP_PORT: 'http' }, /^HTTP_PORT must be a port number/],
      ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of \[error, warn, info/],
      ['an unknown LOG_FORMAT', { LOG_FORMAT: 'xml' }, /^LOG_FORMAT must be one of \[json, pretty\]/],
      [
        'an ALLOWED_ORIGINS entry with a path',
        { ALLOWED_ORIGINS: 'https://dash.example.com/app' },
        /^ALLOWED_ORIGINS\[0\] must list origins such as https:\/\/dash\.example\.com \(scheme, host and port only\)/,
      ],
      [
        'an ALLOWED_ORIGINS entry with a scheme other than http or https',
        { ALLOWED_ORIGINS: 'https://ok.example.com,ftp://files.example.com' },
        /^ALLOWED_ORIGINS\[1\] must list origins/,
      ],
      [
        'a JWT_SECRET shorter than 32 characters',
        { JWT_SECRET: 'too-short' },
        /^JWT_SECRET must be at least 32 characters/,
      ],
      ['SOCKET_RATE_LIMIT=0', { SOCKET_RATE_LIMIT: '0' }, /^SOCKET_RATE_LIMIT must be greater than or equal to 1/],
      ['an unknown NODE_ENV', { NODE_ENV: 'staging' }, /^NODE_ENV must be one of \[development, production, test\]/],
    ])('%s', (_name, env, expected) => {
      const error = refused(env);
      expect(error.code).toBe('CONFIG_INVALID');
      expect(error.problems).toHaveLength(1);
      expect(error.problems[0]).toMatch(expected);
      expect(error.message).toContain(error.problems[0]);
    });

    it('lists every bad variable at once', () => {
      const error = refused({ PORT: 'abc', LOG_LEVEL: 'loud', NODE_ENV: 'staging', SOCKET_RATE_LIMIT: '0' });
      expect(error.problems).toHaveLength(4);
      for (const variable of ['PORT', 'LOG_LEVEL', 'NODE_ENV', 'SOCKET_RATE_LIMIT']) {
        expect(error.problems.some((problem) => problem.startsWith(`${variable} `))).toBe(true);
        expect(error.message).toContain(variable);
      }
    });
  });

  describe('keys', () => {
    const rsa = rsaPair();
    const ec = ecPair();

    it('uses JWT_SECRET for HS256 verification and signing', () => {
      const { auth } = loadConfig({ JWT_SECRET: SECRET, JWT_ISSUER: 'roomcast', JWT_AUDIENCE: 'dashboards' });
      expect(auth).toEqual({
        algorithm: 'HS256',
        verifyKey: SECRET,
        signKey: SECRET,
        ephemeral: false,
        issuer: 'roomcast',
        audience: 'dashboards',
      });
    });

    it('refuses JWT_SECRET and JWT_PUBLIC_KEY together', () => {
      const error = refused({ JWT_SECRET: SECRET, JWT_PUBLIC_KEY: rsa.publicKey });
      expect(error.problems).toEqual([expect.stringMatching(/either JWT_SECRET .* or JWT_PUBLIC_KEY .*not both/)]);
    });

    it('refuses production without a key, saying JWT_SECRET or JWT_PUBLIC_KEY is required', () => {
      const error = refused({ NODE_ENV: 'production' });
      expect(error.problems).toEqual([expect.stringContaining('JWT_SECRET or JWT_PUBLIC_KEY is required')]);
    });

    it.each(['development', 'test'])('makes an ephemeral HS256 key in %s when none is set', (NODE_ENV) => {
      const first = loadConfig({ NODE_ENV }).auth;
      const second = loadConfig({ NODE_ENV }).auth;
      expect(first).toMatchObject({ algorithm: 'HS256', ephemeral: true });
      expect(first.verifyKey.length).toBeGreaterThanOrEqual(32);
      expect(first.signKey).toBe(first.verifyKey);
      expect(second.verifyKey).not.toBe(first.verifyKey);
    });

    it('pins RS256 for an RSA public key, with no signing key unless JWT_PRIVATE_KEY is set', () => {
      const { auth } = loadConfig({ JWT_PUBLIC_KEY: rsa.publicKey });
      expect(auth).toMatchObject({ algorithm: 'RS256', verifyKey: rsa.publicKey, signKey: null, ephemeral: false });
    });

    it('pins ES256 for an EC P-256 public key', () => {
      expect(loadConfig({ JWT_PUBLIC_KEY: ec.publicKey }).auth.algorithm).toBe('ES256');
    });

    it('accepts PEM text with literal \\n escapes, as single-line environments hold it', () => {
      const escaped = rsa.publicKey.replace(/\n/g, '\\n');
      expect(escaped).not.toContain('\n');
      const { auth } = loadConfig({ JWT_PUBLIC_KEY: escaped, JWT_PRIVATE_KEY: rsa.privateKey.replace(/\n/g, '\\n') });
      expect(auth.algorithm).toBe('RS256');
      expect(auth.verifyKey).toBe(rsa.publicKey);
      expect(auth.signKey).toBe(rsa.privateKey);
    });

    it('signs with JWT_PRIVATE_KEY when it is the pair of JWT_PUBLIC_KEY', () => {
      const { auth } = loadConfig({ JWT_PUBLIC_KEY: ec.publicKey, JWT_PRIVATE_KEY: ec.privateKey });
      expect(auth).toMatchObject({ algorithm: 'ES256', signKey: ec.privateKey });
    });

    it('refuses a JWT_PRIVATE_KEY of another key type', () => {
      const error = refused({ JWT_PUBLIC_KEY: rsa.publicKey, JWT_PRIVATE_KEY: ec.privateKey });
      expect(error.problems).toEqual(['JWT_PRIVATE_KEY is a ES256 key but JWT_PUBLIC_KEY is RS256']);
    });

    it('refuses a JWT_PRIVATE_KEY from another key pair of the same type', () => {
      const error = refused({ JWT_PUBLIC_KEY: ec.publicKey, JWT_PRIVATE_KEY: ecPair().privateKey });
      expect(error.problems).toEqual([
        expect.stringMatching(/^JWT_PRIVATE_KEY is not the private key of JWT_PUBLIC_KEY/),
      ]);
    });

    it('refuses JWT_PRIVATE_KEY beside JWT_SECRET', () => {
      const error = refused({ JWT_SECRET: SECRET, JWT_PRIVATE_KEY: rsa.privateKey });
      expect(error.problems).toEqual(['JWT_PRIVATE_KEY is only used with JWT_PUBLIC_KEY']);
    });

    it('refuses a JWT_PUBLIC_KEY that is not a PEM key, or is on a curve other than P-256', () => {
      expect(refused({ JWT_PUBLIC_KEY: 'not a key' }).problems).toEqual([
        expect.stringMatching(/^JWT_PUBLIC_KEY must be a PEM public key \(RSA or EC P-256\)/),
      ]);
      expect(refused({ JWT_PUBLIC_KEY: ecPair('P-384').publicKey }).problems).toEqual([
        expect.stringMatching(/^JWT_PUBLIC_KEY must be a PEM public key .*EC P-256 key \(ES256\)/),
      ]);
    });
  });

  describe('ALLOWED_ORIGINS', () => {
    it('parses a comma list, trimming spaces and trailing slashes', () => {
      const config = loadConfig({ ALLOWED_ORIGINS: ' https://dash.example.com/ ,http://10.0.0.5:8080,, ' });
      expect(config.http.allowedOrigins).toEqual(['https://dash.example.com', 'http://10.0.0.5:8080']);
    });
  });

  describe('the returned object', () => {
    const config: GatewayConfig = loadConfig({ JWT_SECRET: SECRET, ALLOWED_ORIGINS: 'https://dash.example.com' });

    it('is frozen all the way down', () => {
      expect(Object.isFrozen(config)).toBe(true);
      expect(Object.isFrozen(config.http)).toBe(true);
      expect(Object.isFrozen(config.http.allowedOrigins)).toBe(true);
      expect(Object.isFrozen(config.auth)).toBe(true);
      expect(Object.isFrozen(config.log)).toBe(true);
      expect(Object.isFrozen(config.socket)).toBe(true);
    });

    it('cannot be changed after loading', () => {
      expect(() => {
        (config.http as { port: number }).port = 1;
      }).toThrow(TypeError);
      expect(() => {
        (config.http.allowedOrigins as string[]).push('https://evil.example.com');
      }).toThrow(TypeError);
      expect(config.http.port).toBe(3000);
    });

    it('carries the documented socket and shutdown defaults', () => {
      expect(config.socket).toEqual({
        pingIntervalMs: 25_000,
        pingTimeoutMs: 20_000,
        maxInboundBytes: 16_384,
        rateLimitPerSecond: 20,
        rateLimitBurst: 50,
        maxRoomsPerSocket: 200,
      });
      expect(config.shutdownTimeoutMs).toBe(10_000);
      expect(config.version).toMatch(/^\d+\.\d+\.\d+/);
    });
  });
});
