// Builds the bench page (`npm run bench -- --where browser`: RL steps per backend in a worker) like
// the app's own pages (pageConfig in vite.config.ts); bench-build.ts gives the output folder.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pageConfig } from '../../../vite.config';

export default defineConfig(
  pageConfig(fileURLToPath(new URL('.', import.meta.url)), {
    bench: fileURLToPath(new URL('./bench.html', import.meta.url)),
  }),
);
