/**
 * The paper view's Dial tab on a hand-written results file (test/fixtures/dial-results.ts), served
 * in place of public/paper/dial.json: the plot has a gain per dial value and chosen baseline, the
 * table and the predictions follow, and "Run this point here" loads the point's experiment, its
 * rubric included, through the share-link path. A bad or missing file says what was wrong, and
 * the grid still works.
 */
import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './lab';
import { dialFixture, FIXTURE_CRITERIA } from '../fixtures/dial-results';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

async function serveDial(page: Page, body: string, status = 200): Promise<void> {
  await page.route('**/paper/dial.json', (route) =>
    route.fulfill({ status, body, contentType: 'application/json' }),
  );
}

test('the Dial tab plots the gains, and "Run this point here" loads the point', async ({ page }) => {
  const seen = watchConsole(page);
  await serveDial(page, JSON.stringify(dialFixture()));
  await page.goto(APP);
  await page.getByRole('button', { name: 'Paper reproduction' }).click();
  const dialog = page.getByRole('dialog', { name: 'Paper reproduction' });
  await dialog.getByRole('tab', { name: 'Dial' }).click();
  const plot = dialog.getByLabel(/^Gain of focal against/);
  await expect(plot).toBeVisible();
  // Base rate has three values; static, gdpo, sa-mrpo and tuned static are chosen at first.
  await expect(plot).toHaveAttribute('data-points', '12');
  await expect(dialog.locator('.dial-table tbody tr')).toHaveCount(12);
  await dialog.getByRole('checkbox', { name: 'gdpo' }).uncheck();
  await expect(plot).toHaveAttribute('data-points', '9');
  await dialog.getByRole('combobox', { name: /^Dial/ }).selectOption({ label: 'Conflict with a length cap' });
  await dialog
    .getByRole('combobox', { name: /^Metric/ })
    .selectOption({ label: 'area under the held-out rubric-score curve' });
  await expect(plot).toHaveAttribute('data-points', '9');
  await expect(dialog.locator('.dial-table tbody tr').first()).toContainText('none');
  await expect(dialog.getByText('Fixture prediction: focal gains')).toBeVisible();
  // The centre (conflict none) keeps focal's traces; strong conflict has none.
  await expect(dialog.getByLabel('Effective weight of focal per criterion')).toBeVisible();
  // A value in the table picks its point, as the Point menu does.
  await dialog.locator('.dial-table tbody tr').last().getByRole('button', { name: 'strong' }).click();
  await expect(dialog.getByRole('combobox', { name: /^Point/ })).toHaveValue('2');
  await expect(dialog.getByText('The file keeps no traces of focal')).toBeVisible();
  await dialog.getByRole('button', { name: 'Run this point here' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Opened “Dial point conflict-strong (small)” from the link')).toBeVisible();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Dial point conflict-strong (small)');
  await expect(page.getByLabel('Criterion name')).toHaveCount(FIXTURE_CRITERIA.length);
  for (const [i, name] of FIXTURE_CRITERIA.entries())
    await expect(page.getByLabel('Criterion name').nth(i)).toHaveValue(name);
  expect(seen).toEqual([]);
});

test('a bad or missing dial file says what was wrong, and the grid still works', async ({ page }) => {
  const bad = dialFixture() as unknown as { points: { sizes: { gains: { low: unknown }[] }[] }[] };
  bad.points[1].sizes[0].gains[2].low = 'wide';
  await serveDial(page, JSON.stringify(bad));
  await page.goto(`${APP}#paper/dial`);
  const dialog = page.getByRole('dialog', { name: 'Paper reproduction' });
  await expect(dialog.getByText('Could not read the dial results')).toBeVisible();
  await expect(dialog.getByText('paper/dial.json: points.1.sizes.0.gains.2.low')).toBeVisible();
  await dialog.getByRole('tab', { name: 'Grid' }).click();
  await expect(dialog.locator('.paper-cell').first()).toBeVisible();

  await page.unroute('**/paper/dial.json');
  await serveDial(page, 'Not here', 404);
  await dialog.getByRole('tab', { name: 'Dial' }).click();
  await expect(dialog.getByText(/paper\/dial\.json: not found \(HTTP 404\)/)).toBeVisible();
});
