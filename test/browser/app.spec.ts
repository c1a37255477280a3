/**
 * The real app, as a user meets it: a share link restores an experiment, a bad link gets a clear
 * message while the app keeps working, and Run trains from the page (cpu backend, tiny config).
 */
import { expect, test } from '@playwright/test';
import { encodeExperiment, hashFor } from '../../src/core/share/codec';
import { experimentSchema } from '../../src/core/experiment/schema';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

const tiny = experimentSchema.parse({
  version: 1,
  name: 'Shared tiny experiment',
  task: 'diary',
  model: { size: 'small' },
  backend: 'cpu',
  sampling: { groupSize: 2, promptsPerStep: 2 },
  warmStart: { steps: 3, batchSize: 8, corpusSize: 64 },
  steps: 6,
  eval: { every: 3, samples: 1 },
  seeds: [4],
  variants: [{ name: 'focal', overrides: { method: { method: 'focal' } } }],
});

test('a share link restores its experiment and Run trains it to the end', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(APP + hashFor(await encodeExperiment(tiny)));
  await expect(page.getByText('Opened “Shared tiny experiment” from the link')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Shared tiny experiment');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('6');

  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });
  await expect(row).toContainText('cpu');
  await expect(row).toContainText('6/6');

  await page.getByRole('tab', { name: 'Rollouts' }).click();
  await expect(page.getByText(/advantage/i).first()).toBeVisible();

  // Runs persist in IndexedDB and come back after a reload, with their records.
  await page.waitForTimeout(1500); // saves are debounced (about once a second)
  await page.reload();
  await expect(page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' })).toContainText('6/6');
  expect(errors).toEqual([]);
});

test('a bad link gets a message naming the problem, and the app keeps its defaults', async ({ page }) => {
  await page.goto(APP + '#x=%%%not-base64');
  await expect(page.getByText('This link could not be opened')).toBeVisible();
  await expect(page.getByText('not base64url text')).toBeVisible();
  await expect(page.getByRole('button', { name: /^▶ Run/ })).toBeEnabled();

  const invalid = { ...tiny, steps: 0 } as unknown as typeof tiny;
  await page.goto(APP + hashFor(await encodeExperiment(invalid)));
  await expect(page.getByText(/steps: .*>=\s*1/)).toBeVisible();
});
