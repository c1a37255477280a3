/**
 * Nothing lost by one click: removing a run, a criterion or the rubric offers Undo, which brings
 * back exactly what was there; a removal left alone is carried out (the run stays gone after a
 * reload).
 */
import { expect, test } from '@playwright/test';
import { encodeExperiment, hashFor } from '../../src/core/share/codec';
import { tinyExperiment, watchConsole } from './lab';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

test('a removed run comes back with Undo, and stays removed without it', async ({ page }) => {
  const seen = watchConsole(page);
  await page.goto(APP + hashFor(await encodeExperiment(tinyExperiment({ name: 'Undo check' }))));
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });

  await row.getByRole('button', { name: 'remove', exact: true }).click();
  await expect(row).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(row).toContainText('6/6'); // back, with its records

  await row.getByRole('button', { name: 'remove', exact: true }).click();
  await expect(row).toHaveCount(0);
  // Left alone, the removal is carried out when the undo time is up (and at the latest on leaving).
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toHaveCount(0, { timeout: 20_000 });
  await page.waitForTimeout(1500);
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Runs' })).toBeVisible();
  await expect(row).toHaveCount(0);
  expect(seen).toEqual([]);
});

test('a removed criterion and a reset rubric come back with Undo', async ({ page }) => {
  await page.goto(APP);
  const names = page.getByLabel('Criterion name');
  await expect(names.first()).toBeVisible();
  const before = await names.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value));

  await page.getByRole('button', { name: `Remove criterion ${before[1]}` }).click();
  await expect(names).toHaveCount(before.length - 1);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(names).toHaveCount(before.length);
  expect(await names.evaluateAll((inputs) => inputs.map((i) => (i as HTMLInputElement).value))).toEqual(
    before,
  );

  await names.first().fill('my own criterion');
  await page.getByRole('button', { name: "reset to the task's rubric" }).click();
  await expect(names.first()).not.toHaveValue('my own criterion');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(names.first()).toHaveValue('my own criterion');
});
