import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, WEBGPU_ARGS, chromiumNow } from './src/cli/chromium';

const port = Number(process.env.FOCAL_TEST_PORT ?? 4317);
const appPort = Number(process.env.FOCAL_APP_PORT ?? 4318);
const devPort = Number(process.env.FOCAL_DEV_PORT ?? 4319);
// test/browser/run.ts finds the browser (the npm one included) and passes it as CHROMIUM_PATH.
const executablePath = chromiumNow();
const args = CHROMIUM_ARGS;

export default defineConfig({
  testDir: 'test/browser',
  testMatch: '*.spec.ts',
  // The machine has 2 cores and the GPU is emulated: one browser at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    headless: true,
    launchOptions: { executablePath, args },
  },
  projects: [
    { name: 'default-flags', testIgnore: 'webgpu.spec.ts' },
    {
      name: 'webgpu',
      testMatch: 'webgpu.spec.ts',
      use: { launchOptions: { executablePath, args: WEBGPU_ARGS } },
    },
  ],
  webServer: [
    {
      // Serves what test/browser/run.ts built (see test/browser/vite.config.ts).
      command: `npx vite preview --config test/browser/vite.config.ts --port ${port} --strictPort`,
      url: `http://127.0.0.1:${port}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // The app itself (dist/, built by test/browser/run.ts), for app.spec.ts.
      command: `npx vite preview --port ${appPort} --strictPort`,
      url: `http://127.0.0.1:${appPort}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
    {
      // Vite's dev server, as `npm start` runs it, for dev-server.spec.ts.
      command: `npx vite --host 127.0.0.1 --port ${devPort} --strictPort`,
      url: `http://127.0.0.1:${devPort}/`,
      reuseExistingServer: false,
      timeout: 60_000,
    },
  ],
});
