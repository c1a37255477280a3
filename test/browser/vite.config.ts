// Builds test/browser/page with the app's worker and wasm settings (kept in step with vite.config.ts):
// index.html (the run pool and its test hook) and policy-check.html (the policy run on one backend).
// The bench page has its own config (src/cli/bench-page/vite.config.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { ISOLATION_HEADERS, WORKER_OPTIONS } from '../../vite.config';

export const TEST_DIST = fileURLToPath(
  new URL('../../node_modules/.focal-lab-browser-dist', import.meta.url),
);

export default defineConfig({
  root: fileURLToPath(new URL('./page', import.meta.url)),
  // The app's static files, the model zoo among them: runs start from its checkpoints by default.
  publicDir: fileURLToPath(new URL('../../public', import.meta.url)),
  worker: WORKER_OPTIONS,
  optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
  build: {
    target: 'es2022',
    outDir: TEST_DIST,
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: fileURLToPath(new URL('./page/index.html', import.meta.url)),
        policyCheck: fileURLToPath(new URL('./page/policy-check.html', import.meta.url)),
      },
    },
  },
  // Cross-origin isolated like the app, so that wasm runs threaded.
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
});
