/**
 * A clean console: opening the app, training a run and importing a run and an experiment log no
 * warning and no error, on the dev server (`npm start`, where Svelte's development checks such as
 * ownership_invalid_binding speak) and on the production build. The trainer workers' console counts.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { encodeExperiment, hashFor } from '../../src/core/share/codec';
import { tinyExperiment, watchConsole } from './lab';

const SERVERS = {
  dev: `http://127.0.0.1:${Number(process.env.FOCAL_DEV_PORT ?? 4319)}/`,
  build: `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`,
};

for (const [where, url] of Object.entries(SERVERS)) {
  test(`the console stays clean through load, a run and an import (${where})`, async ({ page, browser }) => {
    const seen = watchConsole(page);

    // Load: the default preset, every editor on screen.
    await page.goto(url);
    await expect(page.getByRole('heading', { name: 'Rubric' })).toBeVisible();
    await expect(page.getByLabel('Criterion name').first()).toBeVisible();
    // The rubric editor edits the draft in place: rename one criterion, remove another.
    const names = page.getByLabel('Criterion name');
    const count = await names.count();
    await names.first().fill('renamed criterion');
    await expect(page.getByRole('button', { name: 'Remove criterion renamed criterion' })).toBeVisible();
    await page
      .getByRole('button', { name: /^Remove criterion/ })
      .last()
      .click();
    await expect(names).toHaveCount(count - 1);
    await expect(names.first()).toHaveValue('renamed criterion');
    expect(seen, 'console after load').toEqual([]);

    // A run, opened from a share link, on a backend with its own loading (wasm on the dev server).
    const experiment = tinyExperiment({
      name: 'Console check',
      backend: where === 'dev' ? 'wasm' : 'cpu',
    });
    await page.goto(url + hashFor(await encodeExperiment(experiment)));
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Console check');
    await page.getByRole('button', { name: '▶ Run', exact: true }).click();
    const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
    await expect(row).toContainText('done', { timeout: 90_000 });
    await page.getByRole('tab', { name: 'Rollouts' }).click();
    await page.getByRole('tab', { name: 'Weights' }).click();
    expect(seen, 'console after a run').toEqual([]);

    // Import: the run just exported, into a fresh page, then the experiment as a file.
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Runs JSON', exact: true }).click();
    const runsFile = await (await download).path();
    const runsJson = await readFile(runsFile, 'utf8');
    // A fresh profile, so that the run is new there (the first page keeps its own copy).
    const fresh = await browser.newPage();
    const freshSeen = watchConsole(fresh);
    await fresh.goto(url);
    const chooser = fresh.locator('input[type="file"]');
    await chooser.setInputFiles({
      name: 'runs.json',
      mimeType: 'application/json',
      buffer: Buffer.from(runsJson),
    });
    await expect(fresh.getByText(/Imported 1 run\(s\) from runs\.json/)).toBeVisible();
    await chooser.setInputFiles({
      name: 'experiment.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(experiment)),
    });
    await expect(
      fresh.getByText('Loaded the experiment “Console check” from experiment.json.'),
    ).toBeVisible();
    expect([...seen, ...freshSeen], 'console after an import').toEqual([]);
    await fresh.close();
  });
}
