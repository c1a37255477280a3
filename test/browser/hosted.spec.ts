/**
 * A hosted copy: the production build (`dist/`, built by test/browser/run.ts) served by a plain
 * static host under a sub-path, as a course site or a project page would, opens a share link and
 * trains a run, its worker and wasm files included.
 */
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { encodeExperiment, hashFor } from '../../src/core/share/codec';
import { tinyExperiment, watchConsole } from './lab';
import { serveStatic, type StaticHost } from './static-host';

const DIST = fileURLToPath(new URL('../../dist', import.meta.url));
const SUB_PATH = '/courses/rl-2026/focal-lab/';

let host: StaticHost;
test.beforeAll(async () => {
  host = await serveStatic(DIST, { prefix: SUB_PATH });
});
test.afterAll(async () => {
  await host.close();
});

test('the build served under a sub-path opens a share link and trains it', async ({ page }) => {
  const seen = watchConsole(page);
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  const experiment = tinyExperiment({ name: 'Hosted copy', backend: 'wasm' });
  // The address without its trailing slash, as a link is often written: the host redirects.
  await page.goto(host.url.slice(0, -1) + hashFor(await encodeExperiment(experiment)));
  expect(new URL(page.url()).pathname).toBe(SUB_PATH);
  await expect(page.getByText('Opened “Hosted copy” from the link')).toBeVisible();
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });
  await expect(row).toContainText('6/6');
  await expect(row).toContainText('wasm');
  await expect(row).not.toContainText('fell back');
  // The worker and its wasm file came from under the sub-path, and nothing from outside it.
  const paths = requested.filter((u) => u.startsWith('http')).map((u) => new URL(u).pathname);
  expect(paths.slice(1).filter((p) => !p.startsWith(SUB_PATH))).toEqual([]); // [0]: the redirect
  expect(paths.some((p) => /\/assets\/trainer\.worker-[\w-]+\.js$/.test(p))).toBe(true);
  expect(paths.some((p) => /\/assets\/tfjs-backend-wasm[\w-]*\.wasm$/.test(p))).toBe(true);
  expect(seen).toEqual([]);
});

const wasmFiles = (requested: string[]): string[] =>
  requested.map((u) => /(tfjs-backend-wasm[\w-]*?)-[\w]+\.wasm$/.exec(u)?.[1]).filter((f) => f !== undefined);

test('with the shipped _headers the page is cross-origin isolated and wasm runs its threaded build', async ({
  page,
}) => {
  const isolated = await serveStatic(DIST, { prefix: SUB_PATH, headersFile: true });
  try {
    const seen = watchConsole(page);
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    const experiment = tinyExperiment({ name: 'Threads', backend: 'wasm' });
    await page.goto(isolated.url + hashFor(await encodeExperiment(experiment)));
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await page.getByRole('button', { name: '▶ Run', exact: true }).click();
    const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
    await expect(row).toContainText('done', { timeout: 90_000 });
    await expect(row).toContainText('wasm');
    expect(wasmFiles(requested)).toEqual(['tfjs-backend-wasm-threaded-simd']);
    // auto on wasm trains with the fused kernels; the badge shows their threads, one in the app
    // until kernel threads prove faster (KERNEL_THREADS_BY_DEFAULT in workers/fused-wasm.ts).
    const badge = page.locator('header .backend');
    await expect(badge).toContainText('wasm fused kernels 1 thread, SIMD');
    await expect(badge).not.toContainText('not isolated');
    expect(seen).toEqual([]);
  } finally {
    await isolated.close();
  }
});

test('without the headers the page is not isolated and wasm runs single-threaded', async ({ page }) => {
  const requested: string[] = [];
  page.on('request', (request) => requested.push(request.url()));
  const experiment = tinyExperiment({ name: 'One thread', backend: 'wasm' });
  await page.goto(host.url + hashFor(await encodeExperiment(experiment)));
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });
  expect(wasmFiles(requested)).toEqual(['tfjs-backend-wasm-simd']);
  await expect(page.locator('header .backend')).toContainText('1 thread, SIMD, not isolated');
});
