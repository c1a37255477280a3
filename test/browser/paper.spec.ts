/**
 * The paper reproduction view: opened by the header button or by a `#paper` link, it shows the grid
 * that `lab paper` wrote (public/paper/results.json, never typed numbers), with each cell's interval
 * on hover, a cell's curves and per-criterion finals, and loads the cell into the editor.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { watchConsole } from './lab';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

interface Statistic {
  mean: number;
  low: number;
  high: number;
  verdict: string;
}
const results = JSON.parse(readFileSync('public/paper/results.json', 'utf8')) as {
  tasks: string[];
  sizes: string[];
  cells: { task: string; size: string; criteria: string[]; rubricScore: Statistic }[];
};
const signed = (x: number) => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

test('the header button opens the grid of the results file, cell by cell', async ({ page }) => {
  const seen = watchConsole(page);
  await page.goto(APP);
  await page.getByRole('button', { name: 'Paper reproduction' }).click();
  const dialog = page.getByRole('dialog', { name: 'Paper reproduction' });
  await expect(dialog).toBeVisible();
  const cells = dialog.locator('.paper-cell');
  await expect(cells).toHaveCount(results.cells.length);
  for (const cell of results.cells.slice(0, 3)) {
    const row = dialog.locator('.paper-grid tbody tr', { has: page.locator('th', { hasText: cell.task }) });
    const button = row.locator('td').nth(results.sizes.indexOf(cell.size)).locator('.paper-cell');
    await expect(button).toContainText(signed(cell.rubricScore.mean));
    const title = (await button.getAttribute('title'))!;
    expect(title).toContain(`[${signed(cell.rubricScore.low)}, ${signed(cell.rubricScore.high)}]`);
  }
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(dialog).toBeHidden();
  expect(seen).toEqual([]);
});

test('a #paper link opens a cell: curves, finals, and "Run this cell here" loads it', async ({ page }) => {
  const seen = watchConsole(page);
  const cell = results.cells.at(-1)!;
  await page.goto(`${APP}#paper/${cell.task}/${cell.size}`);
  const dialog = page.getByRole('dialog', { name: 'Paper reproduction' });
  await expect(dialog.getByRole('heading', { name: `${cell.task} / ${cell.size}` })).toBeVisible();
  await expect(dialog.getByLabel(`Curves of ${cell.task} / ${cell.size}`)).toBeVisible();
  for (const criterion of cell.criteria)
    await expect(dialog.locator('td', { hasText: criterion }).first()).toBeVisible();
  // The chart follows the chosen curve: a criterion's effective weight draws other lines than the
  // rubric score (the pixels change), and the choice names what the band means.
  const canvas = dialog.getByLabel(`Curves of ${cell.task} / ${cell.size}`);
  const pixels = () => canvas.evaluate((c: HTMLCanvasElement) => c.toDataURL());
  const before = await pixels();
  await dialog
    .getByRole('combobox', { name: /^Curve/ })
    .selectOption(`${cell.criteria[0]}: effective weight`);
  await expect(dialog.getByText('the share of the update the aggregator gave it')).toBeVisible();
  await expect.poll(pixels).not.toBe(before);
  await dialog.getByRole('button', { name: 'Run this cell here' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(
    `Paper cell: ${cell.task} / ${cell.size}`,
  );
  // A select's label text runs on into its options' text, hence the prefix match.
  await expect(page.getByLabel(/^Task/)).toHaveValue(cell.task);
  await expect(page.getByLabel(/^Model size/)).toHaveValue(cell.size);
  await expect(page.getByLabel(/^Base policy/)).toHaveValue('zoo');
  expect(new URL(page.url()).hash).toBe('');
  expect(seen).toEqual([]);
});
