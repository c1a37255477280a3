// Builds test/browser/page like the app's own pages (pageConfig in vite.config.ts): index.html (the
// run pool and its test hook) and policy-check.html (the policy run on one backend). The bench page
// has its own config (src/cli/bench-page/vite.config.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pageConfig } from '../../vite.config';

export const TEST_DIST = fileURLToPath(
  new URL('../../node_modules/.focal-lab-browser-dist', import.meta.url),
);

const page = (name: string) => fileURLToPath(new URL(`./page/${name}`, import.meta.url));

export default defineConfig(
  pageConfig(
    fileURLToPath(new URL('./page', import.meta.url)),
    { main: page('index.html'), policyCheck: page('policy-check.html') },
    TEST_DIST,
  ),
);
