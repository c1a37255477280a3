import { expect, test } from '@playwright/test';
import { addRun, openLab, steps, tinyConfig, view, waitForStatus, waitForSteps } from './lab';

test('an injected non-finite value pauses the run with a message and keeps a checkpoint', async ({
  page,
}) => {
  await openLab(page);
  await addRun(page, {
    id: 'nan',
    config: tinyConfig(),
    faults: { nonFiniteAtStep: 12 },
    backend: 'cpu',
  });
  await waitForStatus(page, 'nan', 'paused');
  const v = await view(page, 'nan');
  expect(v.reason).toMatch(/step 12: .* not finite/);
  expect(v.metrics).toHaveLength(11);
  expect(v.checkpointStep).toBe(10);
  expect(await page.evaluate(() => window.__focalLab!.checkpointStep('nan'))).toBe(10);
  const snapshot = await page.evaluate(() => window.__focalLab!.snapshot('nan'));
  expect(snapshot?.step).toBe(11);
  expect(snapshot?.weights.length).toBeGreaterThan(0);
  expect(snapshot?.weights.every((w) => w.allFinite)).toBe(true);
});

test('a crashed worker fails only its run, keeps its records, and resumes from the checkpoint', async ({
  page,
}) => {
  await openLab(page);
  await page.evaluate(() => window.__focalLab!.setMaxWorkers(2));
  await addRun(page, { id: 'crash', config: tinyConfig(), backend: 'cpu' });
  await addRun(page, { id: 'other', config: tinyConfig(), backend: 'cpu', seed: 2 });
  await waitForSteps(page, 'crash', 11);
  await page.evaluate(() => window.__focalLab!.crash('crash'));
  await waitForStatus(page, 'crash', 'failed');
  const failed = await view(page, 'crash');
  expect(failed.reason).toMatch(/crash/);
  expect(failed.metrics.length).toBeGreaterThanOrEqual(11);
  expect(failed.checkpointStep).toBeGreaterThanOrEqual(10);

  const otherSteps = await steps(page, 'other');
  await waitForSteps(page, 'other', otherSteps + 2);
  expect((await view(page, 'other')).status).toBe('running');

  await page.evaluate(() => window.__focalLab!.resume('crash', 'cpu'));
  await waitForStatus(page, 'crash', 'running');
  const resumed = await view(page, 'crash');
  expect(resumed.metrics.at(-1)!.step).toBeGreaterThanOrEqual(failed.checkpointStep!);
  await waitForSteps(page, 'crash', failed.checkpointStep! + 2);
  const steps2 = (await view(page, 'crash')).metrics.map((m) => m.step);
  expect(steps2).toEqual(steps2.map((_, i) => i + 1)); // contiguous: nothing lost or duplicated
});
