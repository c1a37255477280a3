import { expect, test } from '@playwright/test';
import { addRun, openLab, steps, tinyConfig, waitForSteps } from './lab';

test('the main thread has no long task while two runs train', async ({ page }) => {
  await openLab(page);
  await page.evaluate(() => window.__focalLab!.setMaxWorkers(2));
  await addRun(page, { id: 'a', config: tinyConfig(), backend: 'cpu' });
  await addRun(page, { id: 'b', config: tinyConfig({ method: { method: 'focal' } }), backend: 'cpu' });
  await waitForSteps(page, 'a', 1);
  await waitForSteps(page, 'b', 1);
  const before = await steps(page, 'a');

  // Sample long tasks (> 50 ms) for 5 s of training, batches and checkpoints arriving throughout.
  const longTasks = await page.evaluate(
    () =>
      new Promise<number[]>((resolve) => {
        const durations: number[] = [];
        const observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) durations.push(entry.duration);
        });
        observer.observe({ type: 'longtask' });
        setTimeout(() => {
          observer.disconnect();
          resolve(durations);
        }, 5000);
      }),
  );
  expect(await steps(page, 'a')).toBeGreaterThan(before);
  expect(longTasks).toEqual([]);
});
