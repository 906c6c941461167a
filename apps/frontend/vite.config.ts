import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress';

/** Absolute path of a file relative to this config, independent of the working directory. */
const here = (relative: string) => decodeURIComponent(new URL(relative, import.meta.url).pathname);

// The dev server stands in for nginx: API and signaling go to the local stack on :8080, so
// hot reload works against real services.
const backend = 'http://127.0.0.1:8080';

export default defineConfig({
  root: here('.'),
  plugins: [react(), precompress()],
  resolve: {
    alias: { '@qual-meet/protocol': here('../../libs/protocol/src/index.ts') },
  },
  build: {
    outDir: here('../../dist/apps/frontend'),
    emptyOutDir: true,
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/ws': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
