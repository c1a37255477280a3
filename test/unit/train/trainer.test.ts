/**
 * The trainer end to end on a tiny configuration: determinism on cpu, checkpoint and restore,
 * no tensor growth over many steps, live edits, and failure on injected non-finite values.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import { experimentCoreSchema, type ExperimentCore } from '../../../src/core/experiment/schema';
import { rubricOf } from '../../../src/core/experiment/resolve';
import { clearWarmStartCache, createTrainer } from '../../../src/core/train/trainer';
import { NonFiniteError } from '../../../src/core/train/types';
import { type MetricRecord } from '../../../src/core/records/types';

const tiny = (overrides: Record<string, unknown> = {}): ExperimentCore =>
  experimentCoreSchema.parse({
    task: 'meadow',
    model: { size: 'small' },
    sampling: { groupSize: 4, promptsPerStep: 2 },
    warmStart: { steps: 20, batchSize: 8, corpusSize: 64 },
    eval: { every: 0, samples: 2 },
    steps: 10,
    ...overrides,
  });

/** Everything but the wall-clock timings. */
const withoutTimes = ({ msSample: _a, msScore: _b, msUpdate: _c, ...rest }: MetricRecord) => rest;

async function steps(config: ExperimentCore, seed: number, count: number) {
  const trainer = await createTrainer(config, seed);
  const records = [];
  for (let i = 0; i < count; i++) records.push(withoutTimes(await trainer.step()));
  const evaluation = await trainer.evaluate();
  trainer.dispose();
  return { records, evaluation };
}

beforeAll(() => useBackend('cpu'));

describe('trainer', () => {
  it('gives identical metric records for the same experiment and seed on cpu', async () => {
    const config = tiny({ method: { method: 'focal' } });
    clearWarmStartCache();
    const a = await steps(config, 7, 3);
    clearWarmStartCache(); // recompute the warm start too
    const b = await steps(config, 7, 3);
    expect(b).toEqual(a);
    const c = await steps(config, 8, 3);
    expect(c.records).not.toEqual(a.records);
  });

  it('reports one record per step with the documented fields', async () => {
    const trainer = await createTrainer(tiny(), 1);
    const r = await trainer.step();
    const K = trainer.criterionIds.length;
    expect(r.step).toBe(1);
    expect(r.criterionMeans).toHaveLength(K);
    expect(r.effectiveWeights).toHaveLength(K);
    expect(r.effectiveWeights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    expect(r.saturation).toHaveLength(K);
    for (const value of Object.values(withoutTimes(r)).flat()) expect(Number.isFinite(value)).toBe(true);
    expect(trainer.inspect()[0].rollouts).toHaveLength(4);
    expect(Object.keys(trainer.inspect()[0].rollouts[0].advantages).sort()).toEqual(
      ['focal', 'gdpo', 'sa-mrpo', 'static', 'worst'].sort(),
    );
    trainer.dispose();
  });

  it('continues identically after a checkpoint is restored into a fresh trainer', async () => {
    const config = tiny({ method: { method: 'focal' } });
    const first = await createTrainer(config, 3);
    await first.step();
    await first.step();
    const checkpoint = structuredClone(await first.checkpoint());
    const continued = [withoutTimes(await first.step()), withoutTimes(await first.step())];
    first.dispose();

    const second = await createTrainer(config, 3);
    await second.restore(checkpoint);
    expect(second.stepIndex).toBe(2);
    const resumed = [withoutTimes(await second.step()), withoutTimes(await second.step())];
    second.dispose();
    expect(resumed).toEqual(continued);
  });

  it('keeps tf.memory().numTensors flat over many steps and evaluations', async () => {
    const trainer = await createTrainer(tiny({ sampling: { groupSize: 2, promptsPerStep: 1 } }), 2);
    await trainer.step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 40; i++) {
      await trainer.step();
      if (i % 10 === 0) await trainer.evaluate();
    }
    expect(tf.memory().numTensors).toBe(before);
    trainer.dispose();
  });

  it('applies a live weight edit at the next step boundary', async () => {
    const trainer = await createTrainer(tiny({ method: { method: 'static' } }), 4);
    const [first, second] = trainer.criterionIds;
    expect(trainer.applyEdit({ criteria: [{ id: first, weight: 9 }] })).toEqual([]);
    const r = await trainer.step();
    expect(r.effectiveWeights[0] / r.effectiveWeights[1]).toBeCloseTo(9, 6);
    const problems = trainer.applyEdit({
      criteria: [
        { id: 'nope', weight: 1 },
        { id: second, weight: -1 },
      ],
    });
    expect(problems.map((p) => p.path)).toContain('criteria.0.id');
    expect(problems.some((p) => p.message.includes('at least 0'))).toBe(true);
    trainer.dispose();
  });

  it('keeps per-criterion positions when a criterion is switched off mid-run', async () => {
    const trainer = await createTrainer(tiny({ method: { method: 'gdpo' } }), 6);
    const ids = trainer.criterionIds;
    await trainer.step();
    expect(trainer.applyEdit({ criteria: [{ id: ids[1], enabled: false }] })).toEqual([]);
    const r = await trainer.step();
    expect(trainer.criterionIds).toEqual(ids);
    expect(r.criterionMeans).toHaveLength(ids.length);
    expect(r.effectiveWeights[1]).toBeNaN();
    expect(r.effectiveWeights[0] + r.effectiveWeights[2]).toBeCloseTo(1, 9);
    expect((await trainer.evaluate()).criterionMeans[1]).toBeNaN();
    trainer.dispose();
  });

  it('takes a whole new rubric live: added criteria are appended, removed ones read NaN', async () => {
    const config = tiny({ method: { method: 'focal' } });
    const trainer = await createTrainer(config, 9);
    const before = trainer.criterionIds;
    await trainer.step();
    const rubric = structuredClone(rubricOf(config));
    rubric.criteria.splice(0, 1); // remove the first criterion
    rubric.criteria.push({
      id: 'short',
      name: 'At most five words',
      params: { kind: 'length', min: 1, max: 5, tolerance: 2 },
      weight: 1,
      enabled: true,
      judge: { fp: 0, fn: 0 },
    });
    expect(trainer.applyEdit({ rubric })).toEqual([]);
    const r = await trainer.step();
    expect(trainer.criterionIds).toEqual([...before, 'short']);
    expect(trainer.criterionNames.at(-1)).toBe('At most five words');
    expect(r.criterionMeans).toHaveLength(before.length + 1);
    expect(r.criterionMeans[0]).toBeNaN();
    expect(Number.isFinite(r.criterionMeans.at(-1))).toBe(true);
    expect(trainer.applyEdit({ rubric: { criteria: [] } }).map((p) => p.path)).toContain('rubric.criteria');
    trainer.dispose();
  });

  it('throws NonFiniteError at the injected step, before updating', async () => {
    const trainer = await createTrainer(tiny(), 5, { faults: { nonFiniteAtStep: 2 } });
    await trainer.step();
    await expect(trainer.step()).rejects.toBeInstanceOf(NonFiniteError);
    expect(trainer.stepIndex).toBe(1);
    trainer.dispose();
  });
});

describe('trainer learning rate', () => {
  it('steps a wider policy at the width-scaled rate when the setup asks for it', async () => {
    const config = tiny({
      model: { size: 'large' },
      base: 'scratch',
      warmStart: { steps: 0 },
      optim: { lr: 0.003, lrByWidth: true },
    });
    const trainer = await createTrainer(config, 1);
    try {
      const { data } = await trainer.checkpoint();
      const { state, optimizer } = data as { state: { lr: number }; optimizer: { lr: number } };
      expect(state.lr).toBeCloseTo(0.001, 12);
      expect(optimizer.lr).toBeCloseTo(0.001, 12);
    } finally {
      trainer.dispose();
    }
  });
});
