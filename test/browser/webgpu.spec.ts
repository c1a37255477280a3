import { expect, test } from '@playwright/test';
import {
  addRun,
  checkPolicy,
  openLab,
  openPolicyCheck,
  tinyConfig,
  trainerWorkers,
  view,
  waitForSteps,
} from './lab';

// This project launches Chromium with --enable-unsafe-webgpu (SwiftShader's adapter, no GPU needed).
// WebGPU on SwiftShader is a CPU emulation: shader compilation makes the first step take ~30 s.
test('a webgpu run trains inside a worker on WebGPU', async ({ page }) => {
  test.setTimeout(150_000);
  await openLab(page);
  await addRun(page, { id: 'gpu', config: tinyConfig(), backend: 'webgpu' });
  await waitForSteps(page, 'gpu', 2, 120_000);
  const v = await view(page, 'gpu');
  // On webgpu the fused WGSL engine trains, not TF.js's per-op kernels.
  expect(v.backend).toEqual({ name: 'webgpu', fallbacks: [], engine: 'webgpu-fused' });
  expect(v.metrics.every((m) => Number.isFinite(m.loss))).toBe(true);
  expect(trainerWorkers(page)).toHaveLength(1);
});

// TF.js 4.22's WebGPU AddN exceeds the 8 storage buffers a shader stage may bind when it gets more
// than 7 inputs; the global gradient norm once used it and the warm start turned every weight NaN.
test('after a short warm start, webgpu and cpu agree on the policy token log-probabilities', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await openPolicyCheck(page);
  const cpu = await checkPolicy(page, 'cpu');
  const gpu = await checkPolicy(page, 'webgpu');
  expect(cpu.backend).toBe('cpu');
  expect(gpu.backend).toBe('webgpu');
  expect(gpu.warmStartLosses).toHaveLength(2);
  gpu.warmStartLosses.forEach((loss, i) => expect(loss).toBeCloseTo(cpu.warmStartLosses[i], 3));
  expect(gpu.logp).toHaveLength(cpu.logp.length);
  // Masked targets sit near -1e4, where float32 resolves ~1e-3: compare relative to the size.
  const worst = Math.max(...cpu.logp.map((x, i) => Math.abs(gpu.logp[i] - x) / Math.max(1, Math.abs(x))));
  expect(worst).toBeLessThan(1e-4);
  // The generated part carries real log-probabilities (not all zero, all finite).
  const counted = gpu.logp.filter((_, i) => cpu.mask[i] === 1);
  expect(counted.length).toBeGreaterThan(0);
  expect(counted.every((x) => Number.isFinite(x) && x < 0)).toBe(true);
});
