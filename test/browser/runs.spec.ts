import { expect, test } from '@playwright/test';
import { addRun, openLab, steps, tinyConfig, view, waitForStatus, waitForSteps } from './lab';

test('two runs progress side by side, and pausing one does not pause the other', async ({ page }) => {
  await openLab(page);
  await page.evaluate(() => window.__focalLab!.setMaxWorkers(2));
  await addRun(page, { id: 'a', config: tinyConfig(), backend: 'cpu', seed: 1 });
  await addRun(page, {
    id: 'b',
    config: tinyConfig({ method: { method: 'focal' } }),
    backend: 'cpu',
    seed: 2,
  });
  await waitForSteps(page, 'a', 2);
  await waitForSteps(page, 'b', 2);
  expect(await page.evaluate(() => window.__focalLab!.liveWorkers())).toBe(2);

  await page.evaluate(() => window.__focalLab!.pause('a'));
  await waitForStatus(page, 'a', 'paused');
  const aPaused = await steps(page, 'a');
  const bBefore = await steps(page, 'b');
  await waitForSteps(page, 'b', bBefore + 3);
  expect(await steps(page, 'a')).toBe(aPaused);
  expect((await view(page, 'b')).status).toBe('running');

  // Single step moves the paused run by exactly one.
  await page.evaluate(() => window.__focalLab!.singleStep('a'));
  await waitForSteps(page, 'a', aPaused + 1);
  await page.waitForTimeout(300);
  expect(await steps(page, 'a')).toBe(aPaused + 1);
});

test("a live weight edit shows in the next records' effective weights (static method)", async ({ page }) => {
  await openLab(page);
  await addRun(page, { id: 'edit', config: tinyConfig(), backend: 'cpu' });
  await waitForSteps(page, 'edit', 2);
  const before = await view(page, 'edit');
  const [first, second] = before.criterionIds;
  const w = before.metrics.at(-1)!.effectiveWeights;
  expect(w[0]).toBeCloseTo(w[1], 6); // the task's default rubric weighs them equally

  const problems = await page.evaluate(
    ([id0]) => window.__focalLab!.edit('edit', { criteria: [{ id: id0, weight: 3 }] }),
    [first, second] as const,
  );
  expect(problems).toEqual([]);
  const editedAt = (await view(page, 'edit')).metrics.length;
  await waitForSteps(page, 'edit', editedAt + 3);
  const after = (await view(page, 'edit')).metrics.at(-1)!.effectiveWeights;
  expect(after[0] / after[1]).toBeCloseTo(3, 4);

  const bad = await page.evaluate(() =>
    window.__focalLab!.edit('edit', { criteria: [{ id: 'no-such-criterion', weight: 1 }] }),
  );
  expect(bad.length).toBeGreaterThan(0);
});
