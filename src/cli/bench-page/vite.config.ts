// Builds the bench page (`npm run bench -- --where browser`: RL steps per backend in a worker) with
// the app's worker and wasm settings, cross-origin isolated like the app so that wasm runs (and is
// benchmarked) threaded.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { ISOLATION_HEADERS, WORKER_OPTIONS } from '../../../vite.config';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  publicDir: fileURLToPath(new URL('../../../public', import.meta.url)),
  worker: WORKER_OPTIONS,
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  build: {
    target: 'es2022',
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: { input: { bench: fileURLToPath(new URL('./bench.html', import.meta.url)) } },
  },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
});
