import { fileURLToPath } from 'node:url';
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

/**
 * A page beside the app (the browser tests' page, the bench page) built with the app's worker and
 * wasm settings, the app's static files (the model zoo among them: runs start from its checkpoints
 * by default), and cross-origin isolated like the app, so that wasm runs (and is benchmarked)
 * threaded. `input` names its HTML entries.
 */
export function pageConfig(root: string, input: Record<string, string>, outDir?: string): UserConfig {
  return {
    root,
    publicDir: fileURLToPath(new URL('./public', import.meta.url)),
    worker: WORKER_OPTIONS,
    optimizeDeps: { exclude: ['@tensorflow/tfjs-backend-wasm'] },
    build: {
      target: 'es2022',
      outDir,
      emptyOutDir: true,
      chunkSizeWarningLimit: 4000,
      rollupOptions: { input },
    },
    preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  };
}

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
