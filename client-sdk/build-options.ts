import { join } from 'node:path';
import type { Options } from 'tsup';

/**
 * The SDK's build, in one place: `tsup.config.ts` builds from it and the bundle-size test
 * rebuilds the browser bundle from it, so the size that is checked is the size shipped.
 * Declarations come from `tsc -b` (emitDeclarationOnly), written to the same dist/.
 */

const root = __dirname;
const SHARED_SOURCE = join(root, '../shared/src/index.ts');
/** Named, not found from the working directory: the same build wherever it is started from. */
const TSCONFIG = join(root, 'tsconfig.json');

/** The `<script>` bundle's name, without its extension. */
const GLOBAL_NAME = 'roomcast';
const GLOBAL_EXTENSION = '.global.js';

/** Left to the application's bundler or Node: peers and dependencies are resolved once, by it. */
const EXTERNAL = ['react', 'vue', 'socket.io-client', '@roomcast/shared'];

/** ESM and CJS for bundlers and Node: the core, and the React and Vue helpers. */
export function libraryOptions(outDir = join(root, 'dist')): Options {
  return {
    entry: {
      index: join(root, 'src/index.ts'),
      react: join(root, 'src/react.ts'),
      vue: join(root, 'src/vue.ts'),
    },
    outDir,
    tsconfig: TSCONFIG,
    format: ['esm', 'cjs'],
    outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.cjs' }),
    platform: 'neutral',
    target: 'es2020',
    external: EXTERNAL,
    // Shared chunks in both formats: react and vue share one room registry per client.
    splitting: true,
    sourcemap: true,
    dts: false,
    // Removes stale chunks of earlier builds, but not tsc's declarations (and build info) in the
    // same folder, nor the browser bundle, which the other config writes at the same time.
    clean: ['!**/*.d.ts', '!**/*.d.ts.map', '!.tsbuildinfo', `!${GLOBAL_NAME}${GLOBAL_EXTENSION}`],
    silent: true,
  };
}

/** The `<script>` bundle: `window.roomcast`, with Socket.IO's client and the contract inside. */
export function browserOptions(outDir = join(root, 'dist')): Options {
  return {
    entry: { [GLOBAL_NAME]: join(root, 'src/index.ts') },
    outDir,
    tsconfig: TSCONFIG,
    format: ['iife'],
    globalName: GLOBAL_NAME,
    outExtension: () => ({ js: GLOBAL_EXTENSION }),
    platform: 'browser',
    target: 'es2020',
    minify: true,
    noExternal: ['socket.io-client', '@roomcast/shared'],
    // The contract's ES sources rather than its CommonJS build, so unused parts are shaken out.
    esbuildOptions(options) {
      options.alias = { ...options.alias, '@roomcast/shared': SHARED_SOURCE };
    },
    sourcemap: false,
    dts: false,
    // The library config cleans the folder; two cleans would race.
    clean: false,
    silent: true,
  };
}
