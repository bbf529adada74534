import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { TEST_SECRET } from '../support/gateway';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `token.ts` as an operator would, with only the variables given: nothing
 * leaks in from the environment jest runs in (a JWT_SECRET there would hide bugs).
 */
async function token(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run('node_modules/.bin/tsx', ['server/src/cli/token.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
      timeout: 15_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stdout?: string; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

const OPERATOR = ['--sub', 'alice', '--role', 'operator', '--rooms', 'device:*'];

describe('npm run token', () => {
  it('prints one HS256 token carrying sub, role, rooms and exp, signed with JWT_SECRET', async () => {
    const { code, stdout, stderr } = await token(OPERATOR, { JWT_SECRET: TEST_SECRET });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);

    const printed = stdout.trim();
    const verified = jwt.verify(printed, TEST_SECRET, { algorithms: ['HS256'], complete: true });
    expect(verified.header.alg).toBe('HS256');
    expect(verified.payload).toEqual({
      sub: 'alice',
      role: 'operator',
      rooms: ['device:*'],
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
    const { iat = 0, exp = 0 } = verified.payload as jwt.JwtPayload;
    expect(exp - iat).toBe(12 * 60 * 60);
  });

  it('puts JWT_ISSUER and JWT_AUDIENCE in the token', async () => {
    const { code, stdout } = await token(OPERATOR, {
      JWT_SECRET: TEST_SECRET,
      JWT_ISSUER: 'https://id.example.com',
      JWT_AUDIENCE: 'roomcast',
    });
    expect(code).toBe(0);
    const payload = jwt.verify(stdout.trim(), TEST_SECRET, {
      algorithms: ['HS256'],
      issuer: 'https://id.example.com',
      audience: 'roomcast',
    });
    expect(payload).toMatchObject({ iss: 'https://id.example.com', aud: 'roomcast' });
  });

  it('splits a comma list of rooms, honours --ttl and defaults the role to viewer', async () => {
    const { stdout } = await token(['--sub', 'wall', '--rooms', 'device:*, location:delhi', '--ttl', '30m'], {
      JWT_SECRET: TEST_SECRET,
    });
    const payload = jwt.verify(stdout.trim(), TEST_SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(payload).toMatchObject({ sub: 'wall', role: 'viewer', rooms: ['device:*', 'location:delhi'] });
    expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(30 * 60);
  });

  it('signs with JWT_PRIVATE_KEY as RS256 when the gateway verifies with JWT_PUBLIC_KEY', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    const { code, stdout } = await token(OPERATOR, { JWT_PUBLIC_KEY: publicKey, JWT_PRIVATE_KEY: privateKey });
    expect(code).toBe(0);
    const verified = jwt.verify(stdout.trim(), publicKey, { algorithms: ['RS256'], complete: true });
    expect(verified.header.alg).toBe('RS256');
  });

  describe('refuses, with exit code 2, a message on stderr and nothing on stdout', () => {
    it.each<[string, string[], Record<string, string>, RegExp]>([
      [
        'an unknown role',
        ['--sub', 'alice', '--role', 'root'],
        { JWT_SECRET: TEST_SECRET },
        /--role must be one of viewer, operator, admin/,
      ],
      [
        'a bad room pattern',
        ['--sub', 'alice', '--rooms', 'device:*,kitchen'],
        { JWT_SECRET: TEST_SECRET },
        /--rooms: "kitchen" is not a room pattern/,
      ],
      ['a missing --sub', ['--role', 'viewer'], { JWT_SECRET: TEST_SECRET }, /--sub is required/],
      ['an unknown option', [...OPERATOR, '--admin'], { JWT_SECRET: TEST_SECRET }, /Unknown option '--admin'/],
      ['a bad --ttl', [...OPERATOR, '--ttl', 'forever'], { JWT_SECRET: TEST_SECRET }, /--ttl must be/],
      ['no key configured', OPERATOR, {}, /no key configured: set JWT_SECRET/],
      ['an invalid configuration', OPERATOR, { JWT_SECRET: 'short' }, /JWT_SECRET must be at least 32 characters/],
    ])('%s', async (_name, args, env, message) => {
      const { code, stdout, stderr } = await token(args, env);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(message);
      expect(stderr).toContain('npm run token -- --sub <subject>');
    });

    it('a public key without its private key, which can verify but not sign', async () => {
      const { publicKey } = generateKeyPairSync('ec', {
        namedCurve: 'P-256',
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      });
      const { code, stdout, stderr } = await token(OPERATOR, { JWT_PUBLIC_KEY: publicKey });
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(/set JWT_PRIVATE_KEY/);
      expect(stderr).not.toMatch(/\n\s+at /);
    });
  });
});
