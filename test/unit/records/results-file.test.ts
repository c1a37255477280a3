/**
 * Results files of the command line: the compact form thins metrics evenly and keeps the last and
 * every evaluation; older unversioned files still read; the app imports both forms as runs.
 */
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../../src/web/saved-run';
import { experimentCoreSchema, experimentSchema } from '../../../src/core/experiment/schema';
import { parseResultsFile, resultsFile, thinMetrics } from '../../../src/core/records/results-file';
import type { RunResult } from '../../../src/core/records/run-result';
import type { MetricRecord } from '../../../src/core/records/types';

const metric = (step: number): MetricRecord => ({
  step,
  criterionMeans: [0.5, Number.NaN],
  effectiveWeights: [0.5, 0.5],
  saturation: [0.5, 0.5],
  rubricScore: step / 1000,
  worstScore: 0,
  allPassRate: 0,
  kl: 0,
  entropy: 1,
  loss: 0,
  clipFraction: 0,
  gradNorm: 1,
  advantageMean: 0,
  advantageStd: 1,
  zeroStdShare: 0,
  meanLength: 5,
  msSample: 1,
  msScore: 1,
  msUpdate: 1,
});

const experiment = experimentSchema.parse({ version: 2, task: 'meadow', name: 'grid', seeds: [1] });
const result = (variant: string, steps: number, failure?: RunResult['failure']): RunResult => ({
  variant,
  seed: 1,
  backend: 'wasm',
  config: experimentCoreSchema.parse({ task: 'meadow', steps: Math.max(1, steps) }),
  criterionIds: ['topic', 'length'],
  criterionNames: ['Mentions the topic', 'Length'],
  metrics: Array.from({ length: steps }, (_, i) => metric(i + 1)),
  evals: [0, steps].map((step) => ({
    step,
    criterionMeans: [0.5, 0.25],
    criterionPassRates: [0.5, 0],
    rubricScore: 0.375,
    worstScore: 0.25,
    allPassRate: 0,
    spread: 0.25,
    samples: 32,
  })),
  seconds: 1,
  ...(failure ? { failure } : {}),
});

describe('results files', () => {
  it('thins a long series evenly to at most 100 records, keeping the last', () => {
    const thinned = thinMetrics(Array.from({ length: 1050 }, (_, i) => metric(i + 1)));
    expect(thinned.length).toBeLessThanOrEqual(100);
    expect(thinned.at(-1)?.step).toBe(1050);
    expect(thinned.slice(0, 3).map((m) => m.step)).toEqual([11, 22, 33]);
    expect(thinMetrics([metric(1), metric(2)]).map((m) => m.step)).toEqual([1, 2]);
  });

  it('writes compact with every evaluation, and reads it back with NaN and failures intact', () => {
    const file = resultsFile(
      experiment,
      [result('focal', 500), result('static', 3, { step: 3, reason: 'boom' })],
      'compact',
    );
    expect(file.results[0].metrics).toHaveLength(100);
    expect(file.results[0].evals).toHaveLength(2);
    const parsed = parseResultsFile(JSON.parse(JSON.stringify(file)));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value.form).toBe('compact');
    expect(parsed.value.results[0].metrics[0].criterionMeans[1]).toBeNaN();
    expect(parsed.value.results[1].failure).toEqual({ step: 3, reason: 'boom' });
  });

  it('reads the unversioned files of before, and names what is wrong', () => {
    const viaJson = (data: unknown): unknown => JSON.parse(JSON.stringify(data));
    const legacyCompare = parseResultsFile(viaJson({ experiment, results: [result('focal', 2)] }));
    expect(legacyCompare.ok && legacyCompare.value.results.length).toBe(1);
    const legacyRun = parseResultsFile(viaJson({ experiment, ...result('focal', 2) }));
    expect(legacyRun.ok && legacyRun.value.results[0].variant).toBe('focal');
    const bad = parseResultsFile(viaJson({ experiment, results: [{ ...result('focal', 2), seed: -1 }] }));
    expect(!bad.ok && bad.problems.map((p) => p.path)).toContain('results.0.seed');
  });

  it('imports into the app as runs: done, or failed with the reason', () => {
    const file = resultsFile(
      { ...experiment, variants: [{ name: 'focal', overrides: {} }] },
      [result('focal', 4), result('focal', 2, { step: 2, reason: 'step 2: the loss is not finite' })],
      'full',
    );
    const parsed = parseImport(new TextEncoder().encode(JSON.stringify(file)));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'runs') return;
    const [done, failed] = parsed.value.runs;
    expect(done.status).toBe('done');
    expect(done.spec.name).toBe('focal');
    expect(done.metrics).toHaveLength(4);
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/the loss is not finite/);
    expect(done.spec.id).not.toBe(failed.spec.id);
  });
});
