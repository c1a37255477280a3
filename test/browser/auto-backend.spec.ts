/**
 * `auto` chosen by measurement: the first auto run probes the backends in a worker (software GPUs
 * last), the header shows the choice and its figures, the run starts on the chosen backend, the
 * ranking is kept in this browser per app version and model size, and re-measure probes again.
 */
import { expect, test } from '@playwright/test';
import { encodeExperiment, hashFor } from '../../src/core/share/codec';
import { tinyExperiment, watchConsole } from './lab';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

test('auto measures the backends once, shows the figures and runs on the fastest', async ({ page }) => {
  const seen = watchConsole(page);
  const probes: string[] = [];
  page.on('worker', (w) => {
    if (w.url().includes('probe.worker')) probes.push(w.url());
  });
  await page.goto(APP + hashFor(await encodeExperiment(tinyExperiment({ name: 'Auto', backend: 'auto' }))));
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const choice = page.locator('header .backend-choice');
  await expect(choice).toContainText('auto chose', { timeout: 60_000 });
  const chosen = (await choice.locator('strong').textContent())!;
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(chosen);
  // The figures: each backend tried, the software GPU (WebGL on SwiftShader here) marked as such.
  const details = (await choice.getAttribute('title'))!;
  expect(details).toMatch(/Measured for the small model/);
  expect(details).toMatch(/^wasm/m);
  expect(details).toMatch(/^cpu/m);
  expect(details).toMatch(/^webgl \(software GPU\)/m);
  expect(probes.length).toBeGreaterThanOrEqual(2); // one worker per backend, plus the GPU check

  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });
  await expect(row).toContainText(chosen);

  // Cached: a second auto run does not probe again.
  const stored = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith('focal-lab:backend-choice:')),
  );
  expect(stored).toHaveLength(1);
  expect(stored[0]).toMatch(/:small$/);
  const probed = probes.length;
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  await expect(row.nth(1)).toContainText('done', { timeout: 90_000 });
  expect(probes.length).toBe(probed);

  // Re-measure probes again.
  await choice.getByRole('button', { name: 're-measure' }).click();
  await expect(choice).toContainText('auto chose', { timeout: 60_000 });
  expect(probes.length).toBeGreaterThan(probed);
  expect(seen).toEqual([]);
});

test('the page measures auto and fetches the base before Run, and Run uses both', async ({ page }) => {
  const seen = watchConsole(page);
  const probes: string[] = [];
  page.on('worker', (w) => {
    if (w.url().includes('probe.worker')) probes.push(w.url());
  });
  await page.goto(APP + hashFor(await encodeExperiment(tinyExperiment({ name: 'Ahead', backend: 'auto' }))));
  // Nobody presses Run: the page measures while the setup is read (src/app/state/prepare.svelte.ts).
  const choice = page.locator('header .backend-choice');
  await expect(choice).toContainText('auto chose', { timeout: 60_000 });
  const cached = await page.evaluate(async () =>
    (await (await caches.open('focal-lab-zoo')).keys()).map((r) => new URL(r.url).pathname),
  );
  expect(cached).toContain('/zoo/diary-small.bin');
  const probed = probes.length;
  expect(probed).toBeGreaterThanOrEqual(2);
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });
  expect(probes.length).toBe(probed);
  expect(seen).toEqual([]);
});
