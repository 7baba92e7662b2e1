/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** Lists the build's files in dist/precache.json for the service worker (public/sw.js). */
function precacheList(): Plugin {
  return {
    name: 'antoan-precache-list',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((name) => name.startsWith('assets/'))
        .map((name) => `/${name}`);
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
    },
  };
}

// The API runs on its own port in development; `npm run dev` proxies /api to it.
const api = process.env.ANTOAN_API_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react(), precacheList()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  server: { host: '127.0.0.1', proxy: { '/api': api } },
  build: { sourcemap: false, chunkSizeWarningLimit: 600 },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // The machine may be busy compiling; a limit, not a timed assertion.
    testTimeout: 30_000,
  },
});
