/**
 * A runs file of 50,000 metric records imports and draws without freezing the page: it is parsed,
 * checked and stored in a worker, its records come back one slice per task, and the charts thin
 * their points to the width and share the frames. After a reload the stored run is read in the
 * worker too.
 */
import { expect, test } from '@playwright/test';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

/**
 * The longest main-thread task allowed. Parsing this file on the main thread blocked it for over 2 s
 * in one task; the worker pipeline is built for tasks of tens of milliseconds (not measured idle). On this
 * 2-core machine shared by several test runs (load average ~20) they measured 50-250 ms, and once
 * 789 ms (the thread descheduled mid-task): the bound catches the freeze, not the starvation.
 */
const LONGEST_TASK_MS = 1500;

test('a runs file of 50,000 metric records imports and draws without a long task', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(APP);
  await expect(page.getByRole('button', { name: /^▶ Run/ })).toBeEnabled();
  // The file is made in the page (handing Playwright 25 MB would itself block the page).
  await page.evaluate(() => {
    const metric = (step: number) => ({
      step,
      criterionMeans: [0.5, 0.25, Math.sin(step / 1000)],
      effectiveWeights: [0.3, 0.3, 0.4],
      saturation: [0.5, 0.25, 0.75],
      rubricScore: 0.5,
      worstScore: 0.25,
      allPassRate: 0.1,
      kl: 0.01,
      entropy: 1.5,
      loss: 0.001,
      clipFraction: 0,
      gradNorm: 0.4,
      advantageMean: 0,
      advantageStd: 1,
      zeroStdShare: 0,
      meanLength: 7,
      msSample: 20,
      msScore: 1,
      msUpdate: 50,
    });
    const saved = {
      format: 'focal-lab-run',
      version: 1,
      savedAt: '2026-01-01T00:00:00.000Z',
      spec: {
        id: 'big-run',
        name: 'big run',
        config: { task: 'meadow', steps: 50_000 },
        seed: 1,
        backend: 'cpu',
      },
      status: 'done',
      reason: null,
      backend: { name: 'cpu', fallbacks: [] },
      criterionIds: ['topic', 'length', 'rhyme'],
      criterionNames: ['Topic', 'Length', 'Rhyme'],
      metrics: Array.from({ length: 50_000 }, (_, i) => metric(i + 1)),
      evals: [],
    };
    const w = window as unknown as { __file: File };
    w.__file = new File([JSON.stringify(saved)], 'big-runs.json', { type: 'application/json' });
  });
  await page.waitForTimeout(300);
  await page.evaluate(() => {
    const w = window as unknown as { __file: File; __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
    const files = new DataTransfer();
    files.items.add(w.__file);
    const input = document.querySelector<HTMLInputElement>('input[type=file]')!;
    input.files = files.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await expect(page.getByText('Imported 1 run(s) from big-runs.json')).toBeVisible({ timeout: 60_000 });
  const row = page.locator('tr', { hasText: 'big run' });
  await expect(row).toContainText('50000/50000');
  await row.getByRole('button', { name: 'big run' }).click();
  await expect(page.getByText('Criterion scores (judged, training batch)')).toBeVisible();
  await page.waitForTimeout(1500);
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  console.log(`long tasks during the import (ms): ${JSON.stringify(longTasks)}`);
  expect(longTasks.filter((ms) => ms > LONGEST_TASK_MS)).toEqual([]);

  // Stored by the worker: after a reload the run is back, with every record, read in the worker.
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: number[] };
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(Math.round(entry.duration));
    }).observe({ type: 'longtask' });
  });
  await page.reload();
  await expect(page.locator('tr', { hasText: 'big run' })).toContainText('50000/50000', { timeout: 60_000 });
  await expect(page.getByText('Criterion scores (judged, training batch)')).toBeVisible();
  await page.waitForTimeout(1500);
  const atLoad = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks);
  console.log(`long tasks while the page loads with it stored (ms): ${JSON.stringify(atLoad)}`);
  expect(atLoad.filter((ms) => ms > LONGEST_TASK_MS)).toEqual([]);
  expect(errors).toEqual([]);
});
