import { expect, test } from '@playwright/test';
import { addRun, openLab, tinyConfig, view, waitForSteps } from './lab';

// The app's default CPU path: on the wasm backend a run trains with the fused wasm kernels, on
// several threads where the page is isolated, and the worker says so; the steps it reports are
// real numbers, not NaN from a kernel thread reading memory it should not.
test('a wasm run trains with the fused wasm engine in the worker', async ({ page }) => {
  await openLab(page);
  await addRun(page, { id: 'fused', config: tinyConfig(), backend: 'wasm' });
  await waitForSteps(page, 'fused', 3);
  const v = await view(page, 'fused');
  expect(v.backend?.name).toBe('wasm');
  expect(v.backend?.engine).toBe('wasm-fused');
  expect(v.status).toBe('running');
  // The test page is cross-origin isolated like the app and turns the kernel threads on
  // (page/trainer.worker.ts; the app keeps one): a thread per core (at most 4), in module workers
  // beside the trainer's.
  const { isolated, cores } = await page.evaluate(() => ({
    isolated: self.crossOriginIsolated,
    cores: navigator.hardwareConcurrency,
  }));
  expect(isolated).toBe(true); // test/browser/vite.config.ts serves it with COOP/COEP
  expect(v.backend?.isolated).toBe(true);
  expect(v.backend?.kernelThreads).toBe(Math.min(4, cores));
  expect(page.workers().filter((w) => w.url().includes('kernel-thread')).length).toBe(
    (v.backend?.kernelThreads ?? 1) - 1,
  );
  for (const m of v.metrics.slice(0, 3)) {
    for (const x of [m.loss, m.kl, m.entropy, m.gradNorm, m.rubricScore, m.meanLength])
      expect(Number.isFinite(x)).toBe(true);
    expect(m.gradNorm).toBeGreaterThan(0);
    expect(m.entropy).toBeGreaterThan(0);
  }
});

test('a cpu run keeps TF.js ops, the bit-reproducible reference', async ({ page }) => {
  await openLab(page);
  await addRun(page, { id: 'cpu', config: tinyConfig(), backend: 'cpu' });
  await waitForSteps(page, 'cpu', 1);
  expect((await view(page, 'cpu')).backend?.engine).toBe('tfjs');
});
