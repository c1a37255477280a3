/**
 * Training weights apart from the rubric's (`method.trainingWeights`): the aggregator trains with
 * them, evaluation and the reported rubric score keep the rubric's weights.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import { parseExperiment, rubricOf } from '../../../src/core/experiment/resolve';
import { experimentCoreSchema } from '../../../src/core/experiment/schema';
import { exportToTrl } from '../../../src/core/export/trl';
import { trainingWeightsOf } from '../../../src/core/reward/training-weights';
import { createTrainer } from '../../../src/core/train/trainer';

beforeAll(() => useBackend('cpu'));

describe('trainingWeightsOf', () => {
  it('replaces the named weights and normalises (by hand)', () => {
    const criteria = [
      { id: 'a', weight: 1 },
      { id: 'b', weight: 1 },
      { id: 'c', weight: 2 },
    ];
    expect(trainingWeightsOf(criteria, { b: 6 })).toEqual([1 / 9, 6 / 9, 2 / 9]);
    expect(trainingWeightsOf(criteria, undefined)).toEqual([0.25, 0.25, 0.5]);
  });
});

describe('method.trainingWeights in an experiment', () => {
  it('refuses an id that is not a criterion, and a zero total', () => {
    const unknown = parseExperiment({
      version: 2,
      task: 'meadow',
      method: { method: 'static', trainingWeights: { nope: 2 } },
    });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.problems[0].path).toBe('method.trainingWeights.nope');
    const ids = rubricOf(experimentCoreSchema.parse({ task: 'meadow' })).criteria.map((c) => c.id);
    const zero = parseExperiment({
      version: 2,
      task: 'meadow',
      method: { method: 'static', trainingWeights: Object.fromEntries(ids.map((id) => [id, 0])) },
    });
    expect(zero.ok).toBe(false);
    if (!zero.ok) expect(zero.problems[0].message).toContain('positive total training weight');
  });

  it('is refused by the TRL export, whose aggregator takes the rubric weights', () => {
    const parsed = parseExperiment({
      version: 2,
      task: 'kitchen',
      optim: { betaKL: 0 },
      method: { method: 'static', trainingWeights: { gentle: 6 } },
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const exported = exportToTrl(parsed.value);
    expect(exported.ok).toBe(false);
    if (!exported.ok) expect(exported.problems.map((p) => p.path)).toContain('method.trainingWeights');
  });

  it('trains with the override while the rubric score keeps the rubric weights', async () => {
    const base = {
      task: 'meadow',
      model: { size: 'small' },
      sampling: { groupSize: 4, promptsPerStep: 2 },
      eval: { every: 0, samples: 2 },
      steps: 2,
    };
    const rubric = rubricOf(experimentCoreSchema.parse(base));
    const first = rubric.criteria[0];
    const overrides = { [first.id]: first.weight * 8 };
    const config = experimentCoreSchema.parse({
      ...base,
      method: { method: 'static', trainingWeights: overrides },
    });
    const trainer = await createTrainer(config, 5);
    const record = await trainer.step();
    trainer.dispose();
    const trained = trainingWeightsOf(rubric.criteria, overrides);
    record.effectiveWeights.forEach((w, k) => expect(w).toBeCloseTo(trained[k], 12));
    const total = rubric.criteria.reduce((a, c) => a + c.weight, 0);
    const stated = rubric.criteria.reduce((a, c, k) => a + (c.weight / total) * record.criterionMeans[k], 0);
    expect(record.rubricScore).toBeCloseTo(stated, 12);
    expect(trained[0]).toBeGreaterThan(first.weight / total);
  });
});
