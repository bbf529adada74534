import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const repo = (path: string): string => fileURLToPath(new URL(`../../${path}`, import.meta.url));

// The SDK and the contract come from this repository's sources, so the example follows
// changes as they are made. In your own app, `npm install @roomcast/client` instead and
// drop `alias`.
export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@roomcast\/client$/, replacement: repo('client-sdk/src/index.ts') },
      { find: /^@roomcast\/client\/react$/, replacement: repo('client-sdk/src/react.ts') },
      { find: /^@roomcast\/shared$/, replacement: repo('shared/src/index.ts') },
    ],
    // Those sources live outside this folder: resolve their imports to this app's copies.
    dedupe: ['react', 'react-dom', 'socket.io-client'],
  },
});
