import { expect, test } from '@playwright/test';
import { addRun, openLab, tinyConfig, trainerWorkers, view, waitForSteps } from './lab';

// This project launches Chromium with --enable-unsafe-webgpu (SwiftShader's adapter, no GPU needed).
// WebGPU on SwiftShader is a CPU emulation: shader compilation makes the first step take ~30 s.
test('a webgpu run trains inside a worker on WebGPU', async ({ page }) => {
  test.setTimeout(150_000);
  await openLab(page);
  await addRun(page, { id: 'gpu', config: tinyConfig(), backend: 'webgpu' });
  await waitForSteps(page, 'gpu', 2, 120_000);
  const v = await view(page, 'gpu');
  expect(v.backend).toEqual({ name: 'webgpu', fallbacks: [] });
  expect(v.metrics.every((m) => Number.isFinite(m.loss))).toBe(true);
  expect(trainerWorkers(page)).toHaveLength(1);
});
