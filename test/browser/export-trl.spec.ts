/**
 * The app's "Export to TRL" button downloads the zip of exactly the files `lab export --to trl`
 * writes (the same core function, byte for byte), and shows the reasons when it refuses.
 */
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { exportToTrl } from '../../src/core/export/trl';
import { zipFiles } from '../../src/core/export/zip';
import { parseExperiment } from '../../src/core/experiment/resolve';
import { EXPERIMENT_VERSION } from '../../src/core/experiment/schema';

const url = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

const input = {
  version: EXPERIMENT_VERSION,
  name: 'TRL button',
  task: 'weather',
  method: { method: 'focal', gamma: 1.5 },
  optim: { betaKL: 0.02 },
};

test('Export to TRL refuses with reasons, then downloads the files the CLI writes', async ({ page }) => {
  await page.goto(url);
  await page.locator('input[type="file"]').setInputFiles({
    name: 'experiment.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(input)),
  });
  await expect(page.getByText('Loaded the experiment “TRL button” from experiment.json.')).toBeVisible();

  // The KL term and the noisy judge of the weather task are refused, each with its path.
  await page.getByRole('button', { name: 'Export to TRL' }).click();
  const refusal = page.getByRole('alert').filter({ hasText: 'Not exported to TRL' });
  await expect(refusal).toContainText('optim.betaKL');
  await expect(refusal).toContainText(/rubric\.criteria\.\d+\.judge/);

  await page.getByLabel('KL averaged per completion').check();
  await page.getByLabel('exact verdicts for judged criteria').check();
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export to TRL' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('trl-button-trl.zip');
  await expect(refusal).toHaveCount(0);

  // The experiment as the app holds it (its editor fills in the task's default rubric), through the
  // app's own JSON export: the CLI given that file writes exportToTrl's files (test/unit/export).
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  const held: unknown = JSON.parse(await readFile(await (await saved).path(), 'utf8'));
  expect(held).toMatchObject(input);
  const parsed = parseExperiment(held);
  if (!parsed.ok) throw new Error('invalid test experiment');
  const made = exportToTrl(parsed.value, { accept: ['kl-per-sequence', 'exact-judges'] });
  if (!made.ok) throw new Error('refused');
  const bytes = new Uint8Array(await readFile(await file.path()));

  expect(Buffer.from(bytes).equals(Buffer.from(zipFiles(made.files)))).toBe(true);
});
