import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runInNewContext } from 'node:vm';
import { gzipSync } from 'node:zlib';

const ROOT = join(__dirname, '../..');

/**
 * Builds with tsup's `build()` and the same `browserOptions()` as client-sdk/tsup.config.ts.
 * In a child process: tsup loads ESM-only dependencies, which Node can require but jest's
 * module loader cannot.
 */
async function buildBrowserBundle(outDir: string): Promise<void> {
  const script = `
    import { build } from 'tsup';
    import { browserOptions } from './build-options';
    void build({ ...browserOptions(process.argv[1]), config: false });
  `;
  await promisify(execFile)(join(ROOT, 'node_modules/.bin/tsx'), ['--eval', script, outDir], {
    cwd: join(ROOT, 'client-sdk'),
  });
}

/**
 * The `<script>` bundle's budget, gzipped: the size measured when the SDK was written
 * (18,314 bytes) rounded up to the next 2 KiB, as client-sdk/README.md states. Raise it on
 * purpose, in the same change as the README, never just to make this test pass.
 */
const BUDGET_BYTES = 18 * 1024;

describe('browser bundle', () => {
  let dir: string;
  let code: Buffer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roomcast-bundle-'));
    await buildBrowserBundle(dir);
    code = readFileSync(join(dir, 'roomcast.global.js'));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(`stays within ${BUDGET_BYTES} bytes gzipped`, () => {
    const gzipped = gzipSync(code).length;
    console.log(`roomcast.global.js: ${code.length} bytes, ${gzipped} gzipped (budget ${BUDGET_BYTES})`);
    expect(gzipped).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('defines window.roomcast with createClient, Socket.IO bundled in', () => {
    const context: { roomcast?: { createClient?: unknown; ErrorCode?: Record<string, string> } } = {};
    runInNewContext(code.toString('utf8'), context);
    expect(typeof context.roomcast?.createClient).toBe('function');
    expect(context.roomcast?.ErrorCode?.UNAUTHORIZED).toBe('UNAUTHORIZED');
  });
});
