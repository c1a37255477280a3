import { expect, test } from '@playwright/test';
import { addRun, openLab, tinyConfig, trainerWorkers, view, waitForBackend, waitForSteps } from './lab';

test('a cpu run trains inside a worker and reports the cpu backend', async ({ page }) => {
  await openLab(page);
  await addRun(page, { id: 'cpu', config: tinyConfig(), backend: 'cpu' });
  await waitForSteps(page, 'cpu', 3);
  const v = await view(page, 'cpu');
  expect(v.backend).toEqual({ name: 'cpu', fallbacks: [], engine: 'tfjs' });
  expect(v.status).toBe('running');
  expect(v.criterionIds.length).toBeGreaterThan(0);
  expect(v.metrics[0].effectiveWeights).toHaveLength(v.criterionIds.length);
  expect(trainerWorkers(page)).toHaveLength(1);
  // The main thread never loads a TensorFlow.js backend.
  expect(await page.evaluate(() => 'tf' in window || '_tfengine' in globalThis)).toBe(false);
});

test("without WebGPU, 'auto' falls back and says why", async ({ page }) => {
  await openLab(page);
  await addRun(page, { id: 'auto', config: tinyConfig(), backend: 'auto' });
  await waitForSteps(page, 'auto', 1); // and the fallback trains
  const v = await view(page, 'auto');
  expect(v.backend?.name).not.toBe('webgpu');
  expect(['webgl', 'wasm', 'cpu']).toContain(v.backend?.name);
  expect(v.backend?.fallbacks[0]).toMatch(/^webgpu: .*(adapter|navigator\.gpu)/);
});

test('an explicit webgpu choice without WebGPU falls back with a reason', async ({ page }) => {
  await openLab(page);
  await addRun(page, { id: 'gpu', config: tinyConfig(), backend: 'webgpu' });
  await waitForBackend(page, 'gpu');
  const v = await view(page, 'gpu');
  expect(v.backend?.name).not.toBe('webgpu');
  expect(v.backend?.fallbacks).toHaveLength(1 + ['webgl', 'wasm', 'cpu'].indexOf(v.backend!.name));
  expect(v.backend?.fallbacks[0]).toMatch(/^webgpu: /);
});
