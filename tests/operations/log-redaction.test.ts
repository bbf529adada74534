import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { io as connectClient } from 'socket.io-client';
import { createGateway, createLogger, loadConfig, type Gateway, type Logger } from '@roomcast/server';
import { mintToken, TEST_SECRET, type ClientSocket } from '../support/gateway';

/** A stream that keeps what the logger writes and says when more arrives. */
class Capture extends Writable {
  private text = '';

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.text += chunk.toString('utf8');
    this.emit('written');
    callback();
  }

  get output(): string {
    return this.text;
  }

  /** Resolves once the output satisfies `done`; log lines are written as they come, not on a timer. */
  until(done: (output: string) => boolean, timeoutMs = 5000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done(this.text)) return;
        clearTimeout(timer);
        this.off('written', check);
        resolve(this.text);
      };
      const timer = setTimeout(() => {
        this.off('written', check);
        reject(new Error(`the log never matched; it was:\n${this.text}`));
      }, timeoutMs);
      this.on('written', check);
      check();
    });
  }
}

const lineCount = (count: number) => (output: string) => output.split('\n').length > count;

describe.each(['json', 'pretty'] as const)('the %s logger', (format) => {
  let capture: Capture;
  let logger: Logger;
  beforeEach(() => {
    capture = new Capture();
    logger = createLogger({ level: 'debug', format, stream: capture });
  });

  const jwt = mintToken({ sub: 'alice' });
  const signature = jwt.split('.')[2] ?? jwt;

  it('redacts tokens in the message and metadata, and credential fields whole, keeping the context', async () => {
    logger.info(`verifying ${jwt} for alice`, {
      header: `Authorization: Bearer ${jwt}`,
      url: `wss://gw.example.com/socket.io/?EIO=4&token=${jwt}&transport=websocket`,
      opaqueHeader: 'Authorization: Bearer opaque-bearer-secret',
      opaqueQuery: '/me?access_token=opaque-query-secret',
      token: 'opaque-token-field',
      password: 'hunter2-password-field',
      authorization: 'Basic b3BlcmF0b3I6aHVudGVyMg==',
      nested: { headers: { Authorization: `Bearer ${jwt}` }, jwt_secret: 'the-hs256-secret', sub: 'alice' },
      list: [jwt],
      error: new Error(`verification failed for ${jwt}`),
    });
    const output = await capture.until(lineCount(1));

    for (const secret of [
      jwt,
      signature,
      'opaque-bearer-secret',
      'opaque-query-secret',
      'opaque-token-field',
      'hunter2-password-field',
      'b3BlcmF0b3I6aHVudGVyMg==',
      'the-hs256-secret',
    ]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain('[redacted]');
    expect(output).toContain('verifying [redacted] for alice');
    expect(output).toContain('Bearer [redacted]');
    expect(output).toContain('?EIO=4&token=[redacted]&transport=websocket');
    expect(output).toContain('access_token=[redacted]');
    expect(output).toContain('verification failed for [redacted]');
  });

  it('logs an Error on its own without its token', async () => {
    logger.error(new Error(`token ${jwt} rejected`));
    const output = await capture.until(lineCount(1));
    expect(output).toContain('error');
    expect(output).not.toContain(signature);
  });

  it('replaces objects nested too deep to walk instead of passing them through', async () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: { h: { password: 'deep-password', note: jwt } } } } } } } } };
    logger.warn('deep', { deep });
    const output = await capture.until(lineCount(1));
    expect(output).not.toContain('deep-password');
    expect(output).not.toContain(signature);
    expect(output).toContain('[truncated]');
  });
});

describe('the json logger', () => {
  it('keeps the field names and replaces only their values', async () => {
    const capture = new Capture();
    const logger = createLogger({ level: 'debug', format: 'json', stream: capture });
    const jwt = mintToken();
    logger.debug('handshake', {
      token: jwt,
      password: 'p',
      headers: { authorization: `Bearer ${jwt}` },
      sub: 'tester',
    });
    const [line = ''] = (await capture.until(lineCount(1))).split('\n');
    expect(JSON.parse(line)).toMatchObject({
      level: 'debug',
      message: 'handshake',
      token: '[redacted]',
      password: '[redacted]',
      headers: { authorization: '[redacted]' },
      sub: 'tester',
    });
  });
});

describe('a running gateway logging at debug', () => {
  let gateway: Gateway;
  let capture: Capture;
  let url: string;
  const sockets: ClientSocket[] = [];

  let dataDir: string;

  beforeEach(async () => {
    capture = new Capture();
    dataDir = mkdtempSync(join(tmpdir(), 'roomcast-redaction-'));
    const config = loadConfig({
      DATA_DIR: dataDir,
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_SECRET: TEST_SECRET,
      LOG_LEVEL: 'debug',
      LOG_FORMAT: 'json',
      MQTT_EMBEDDED_PORT: '0',
    });
    gateway = await createGateway(config, { logger: createLogger({ ...config.log, stream: capture }) });
    const { port } = await gateway.start();
    url = `http://127.0.0.1:${port}`;
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    await gateway.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function connect(options: { auth?: { token: string }; query?: { token: string } }): Promise<ClientSocket> {
    const socket: ClientSocket = connectClient(url, { transports: ['websocket'], reconnection: false, ...options });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  it('never writes the token of a REST request or a socket handshake', async () => {
    const jwt = mintToken({ sub: 'alice', role: 'viewer' });
    const forged = mintToken({ sub: 'mallory', secret: 'not-the-gateway-secret-but-long-enough-0123456789' });

    const me = await fetch(`${url}/me?token=${jwt}`, { headers: { Authorization: `Bearer ${jwt}` } });
    expect(me.status).toBe(200);
    const refused = await fetch(`${url}/me?token=${forged}`, { headers: { Authorization: `Bearer ${forged}` } });
    expect(refused.status).toBe(401);
    const missing = await fetch(`${url}/nowhere?token=${jwt}`);
    expect(missing.status).toBe(404);
    await connect({ auth: { token: jwt } });
    await connect({ query: { token: jwt } });
    await expect(connect({ auth: { token: forged } })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });

    const output = await capture.until(
      (text) =>
        text.split('\n').filter((line) => line.includes('"message":"request"')).length === 3 &&
        text.split('\n').filter((line) => line.includes('"message":"socket connected"')).length === 2,
    );
    await gateway.stop();
    const all = await capture.until((text) => text.includes('"message":"shutting down"'));

    expect(output).toContain('"path":"/me"');
    expect(output).toContain('"sub":"alice"');
    for (const token of [jwt, forged]) {
      expect(all).not.toContain(token);
      expect(all).not.toContain(token.split('.')[2]);
    }
  });
});
