import { defineConfig, type UserConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

/**
 * Cross-origin isolation (SharedArrayBuffer), so that the wasm backend runs its threaded SIMD build.
 * Everything the app loads is same-origin, so require-corp blocks nothing. Static hosts get the same
 * headers from public/_headers (Netlify, Cloudflare Pages); see README "Hosting a copy".
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Workers are ES modules. No compression in the worker bundle: it rewrites the wasm backend's guard
 * `typeof _scriptDir !== 'undefined'` into a bare reference, and the threaded build re-runs its
 * factory's source text in each pthread worker, where that name does not exist (ReferenceError).
 * Identifiers are still mangled; only the worker chunks are affected, not the initial JS.
 */
export const WORKER_OPTIONS: UserConfig['worker'] = {
  format: 'es',
  rolldownOptions: { output: { minify: { compress: false, mangle: true } } },
};

export default defineConfig({
  // Relative asset URLs, so that dist/ works under any path (a project page, a course site).
  base: './',
  plugins: [svelte()],
  worker: WORKER_OPTIONS,
  optimizeDeps: {
    // Scan the worker too, so that its dependencies are pre-bundled when the dev server starts:
    // found later, at the first Run, they make Vite reload the page and interrupt that run.
    // The wasm backend is pre-bundled too (served raw, its CommonJS worker helper fails to import);
    // its .wasm files are located by explicit `?url` imports in workers/backend.ts.
    entries: ['index.html', 'workers/trainer.worker.ts'],
  },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
  server: { headers: ISOLATION_HEADERS },
  preview: { headers: ISOLATION_HEADERS },
});
