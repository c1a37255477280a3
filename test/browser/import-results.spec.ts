/**
 * The app imports a results file of the command line (`lab compare --out results.json.gz
 * --compact`): gzipped bytes, unpacked by the browser's DecompressionStream, each run arriving in
 * the run list (the conversion itself, done or failed with its reason, is unit-tested in
 * test/unit/records/results-file.test.ts).
 */
import { gzipSync } from 'node:zlib';
import { expect, test } from '@playwright/test';
import { EXPERIMENT_VERSION, experimentCoreSchema, experimentSchema } from '../../src/core/experiment/schema';
import { resultsFile } from '../../src/core/records/results-file';
import type { RunResult } from '../../src/core/records/run-result';

/** The production build of the app, as the console test serves it. */
const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

const evaluation = (step: number) => ({
  step,
  criterionMeans: [0.5, 0.25, 0],
  criterionPassRates: [0.5, 0, 0],
  rubricScore: 0.25,
  worstScore: 0,
  allPassRate: 0,
  spread: 0.5,
  samples: 32,
});

const result = (variant: string, failure?: RunResult['failure']): RunResult => ({
  variant,
  seed: 1,
  backend: 'wasm',
  config: experimentCoreSchema.parse({ task: 'meadow', steps: 4 }),
  criterionIds: ['topic', 'length', 'rhyme'],
  criterionNames: ['Mentions the topic', 'Six to nine words', 'Ends on a rhyme of the topic'],
  metrics: [],
  evals: [evaluation(0), evaluation(4)],
  seconds: 1,
  ...(failure ? { failure } : {}),
});

test('imports a gzipped compact results file of the command line', async ({ page }) => {
  await page.goto(APP);
  const experiment = experimentSchema.parse({
    version: EXPERIMENT_VERSION,
    task: 'meadow',
    name: 'from the CLI',
    variants: [
      { name: 'static', overrides: { method: { method: 'static' } } },
      { name: 'focal', overrides: {} },
    ],
  });
  const file = resultsFile(
    experiment,
    [result('static'), result('focal', { step: 3, reason: 'step 3: the loss is not finite' })],
    'compact',
  );
  await page.locator('input[type="file"]').setInputFiles({
    name: 'results.json.gz',
    mimeType: 'application/gzip',
    buffer: gzipSync(JSON.stringify(file)),
  });
  await expect(page.getByText(/Imported 2 run\(s\) from results\.json\.gz/)).toBeVisible();

  // The compare view overlays the imported runs criterion by criterion, by the criteria's names.
  await page.getByRole('tab', { name: /^Compare/ }).click();
  const overlay = page.getByRole('combobox', { name: /^Overlay/ });
  await overlay.selectOption({ label: 'Ends on a rhyme of the topic: score (evaluation)' });
  await expect(
    page.locator('.chart-title', { hasText: 'Ends on a rhyme of the topic: score (evaluation)' }),
  ).toBeVisible();
  await expect(overlay.locator('option', { hasText: 'Six to nine words: effective weight' })).toHaveCount(1);

  // Bytes that claim to be gzip but are not: a message, nothing imported.
  await page.locator('input[type="file"]').setInputFiles({
    name: 'broken.json.gz',
    mimeType: 'application/gzip',
    buffer: Buffer.from([0x1f, 0x8b, 1, 2, 3]),
  });
  await expect(page.getByText(/not a valid gzip file/)).toBeVisible();
});
