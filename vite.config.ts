import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // Relative asset URLs, so that dist/ works under any path (a project page, a course site).
  base: './',
  plugins: [svelte()],
  worker: { format: 'es' },
  optimizeDeps: {
    // Scan the worker too, so that its dependencies are pre-bundled when the dev server starts:
    // found later, at the first Run, they make Vite reload the page and interrupt that run.
    // The wasm backend is pre-bundled too (served raw, its CommonJS worker helper fails to import);
    // its .wasm files are located by explicit `?url` imports in workers/backend.ts.
    entries: ['index.html', 'workers/trainer.worker.ts'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
