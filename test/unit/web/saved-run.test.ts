import { describe, expect, it } from 'vitest';
import { fromSavedRun, parseImport, toSavedRun } from '../../../src/web/saved-run';
import type { RunView } from '../../../src/core/records/run';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

const view: RunView = {
  spec: {
    id: 'run-1',
    name: 'focal',
    seed: 1,
    backend: 'cpu',
    config: experimentCoreSchema.parse({ task: 'meadow' }),
  },
  status: 'running',
  reason: null,
  backend: { name: 'cpu', fallbacks: [] },
  criterionIds: ['topic'],
  criterionNames: ['Mentions the topic'],
  metrics: [
    {
      step: 1,
      criterionMeans: [0.5],
      effectiveWeights: [1],
      saturation: [0.5],
      rubricScore: 0.5,
      worstScore: 0.5,
      allPassRate: 0.5,
      kl: 0,
      entropy: NaN,
      loss: 0,
      clipFraction: 0,
      gradNorm: 0,
      advantageMean: 0,
      advantageStd: 1,
      zeroStdShare: 0,
      meanLength: 6,
      msSample: 1,
      msScore: 1,
      msUpdate: 1,
    },
  ],
  evals: [],
  checkpointStep: 1,
};

describe('saved runs', () => {
  it('round-trips through JSON, NaN included, and a live run comes back stopped', () => {
    const text = JSON.stringify(toSavedRun(view, '2026-01-01T00:00:00.000Z'));
    const parsed = parseImport(bytes(text));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'runs') return;
    const restored = fromSavedRun(parsed.value.runs[0]);
    expect(restored.status).toBe('stopped');
    expect(restored.reason).toMatch(/interrupted by a page reload at step 1/);
    expect(restored.metrics[0].entropy).toBeNaN();
    expect(restored.metrics[0].rubricScore).toBe(0.5);
  });

  it('round-trips an auto run on threaded wasm: the measured order and the thread details', () => {
    const wasmView: RunView = {
      ...view,
      spec: { ...view.spec, backend: 'auto', backendOrder: ['wasm', 'cpu', 'webgl'] },
      backend: { name: 'wasm', fallbacks: [], threads: 2, simd: true, isolated: true },
    };
    const parsed = parseImport(bytes(JSON.stringify(toSavedRun(wasmView))));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'runs') return;
    const restored = fromSavedRun(parsed.value.runs[0]);
    expect(restored.spec.backendOrder).toEqual(['wasm', 'cpu', 'webgl']);
    expect(restored.backend).toEqual({ name: 'wasm', fallbacks: [], threads: 2, simd: true, isolated: true });
  });

  it('round-trips the engine a webgpu run trained with, and refuses an unknown one', () => {
    const gpuView: RunView = { ...view, backend: { name: 'webgpu', fallbacks: [], engine: 'webgpu-fused' } };
    const parsed = parseImport(bytes(JSON.stringify(toSavedRun(gpuView))));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'runs') return;
    expect(fromSavedRun(parsed.value.runs[0]).backend).toEqual({
      name: 'webgpu',
      fallbacks: [],
      engine: 'webgpu-fused',
    });
    const odd = { ...toSavedRun(gpuView), backend: { name: 'webgpu', fallbacks: [], engine: 'turbo' } };
    expect(parseImport(bytes(JSON.stringify(odd))).ok).toBe(false);
  });

  it('round-trips the fused wasm engine and its kernel threads', () => {
    const backend = { name: 'wasm', fallbacks: [], engine: 'wasm-fused' as const, kernelThreads: 2 };
    const parsed = parseImport(bytes(JSON.stringify(toSavedRun({ ...view, backend }))));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.value.kind !== 'runs') return;
    expect(fromSavedRun(parsed.value.runs[0]).backend).toEqual(backend);
  });

  it('imports an array of runs', () => {
    const text = JSON.stringify([
      toSavedRun(view),
      toSavedRun({ ...view, spec: { ...view.spec, id: 'run-2' } }),
    ]);
    const parsed = parseImport(bytes(text));
    expect(parsed.ok && parsed.value.kind === 'runs' && parsed.value.runs.length).toBe(2);
  });

  it('names the invalid field of a damaged run', () => {
    const saved = toSavedRun(view) as unknown as { spec: { config: { steps: number } } };
    saved.spec.config.steps = -5;
    const parsed = parseImport(bytes(JSON.stringify(saved)));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problems.map((p) => p.path)).toContain('spec.config.steps');
  });

  it('names at most 20 problems of a badly damaged file, and says how many more', () => {
    const saved = {
      ...toSavedRun(view),
      spec: { ...view.spec, config: experimentCoreSchema.parse({ task: 'meadow' }) },
      metrics: Array.from({ length: 30 }, () => ({ step: -1 })),
    };
    const parsed = parseImport(bytes(JSON.stringify(saved)));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems).toHaveLength(21);
    expect(parsed.problems.at(-1)?.message).toMatch(/^and \d+ more problems$/);
  });

  it('imports an experiment file, checking the task', () => {
    const ok = parseImport(bytes(JSON.stringify({ version: 2, task: 'meadow' })));
    expect(ok.ok && ok.value.kind).toBe('experiment');
    const bad = parseImport(bytes(JSON.stringify({ version: 2, task: 'nowhere' })));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0].path).toBe('task');
  });

  it('rejects text that is not JSON, or JSON of another shape', () => {
    expect(parseImport(bytes('{oops')).ok).toBe(false);
    const other = parseImport(bytes('{"hello": 1}'));
    expect(other.ok).toBe(false);
    if (!other.ok) expect(other.problems[0].message).toMatch(/neither a saved run/);
  });
});
