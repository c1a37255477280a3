/**
 * The README's first command serves the app with Vite's dev server: a run must train there too,
 * on the backend asked for (wasm here), without the page reloading under it.
 */
import { expect, test } from '@playwright/test';
import { encodeExperiment, hashFor } from '../../src/core/share/codec';
import { tinyExperiment } from './lab';

const DEV = `http://127.0.0.1:${Number(process.env.FOCAL_DEV_PORT ?? 4319)}/`;

test('the dev server trains a run on the wasm backend', async ({ page }) => {
  const experiment = tinyExperiment({ name: 'Dev server check', backend: 'wasm' });

  await page.goto(DEV + hashFor(await encodeExperiment(experiment)));
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });
  await expect(row).toContainText('6/6');
  await expect(row).not.toContainText('fell back');
  await expect(row).toContainText('wasm');
  // Served cross-origin isolated, so wasm runs its threaded SIMD build.
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await expect(page.locator('header .backend')).toContainText('SIMD');
  await expect(page.locator('header .backend')).not.toContainText('not isolated');
});
