import { describe, expect, it } from 'vitest';
import { MODEL_WIDTHS, rlLearningRate } from '../../../src/core/experiment/learning-rate';
import { parseExperiment } from '../../../src/core/experiment/resolve';
import { MODEL_SIZES } from '../../../src/core/experiment/schema';
import { POLICY_SIZES } from '../../../src/core/policy/model';

describe('RL learning rate by width', () => {
  it('knows the policy widths', () => {
    for (const size of MODEL_SIZES) expect(MODEL_WIDTHS[size]).toBe(POLICY_SIZES[size].dModel);
  });

  it('is the given rate unless scaling is asked for', () => {
    for (const size of MODEL_SIZES) expect(rlLearningRate({ lr: 0.002, lrByWidth: false }, size)).toBe(0.002);
  });

  it('scales by 32 / width: small x1, medium x1/2, large x1/3 (hand-computed)', () => {
    expect(rlLearningRate({ lr: 0.002, lrByWidth: true }, 'small')).toBeCloseTo(0.002, 15);
    expect(rlLearningRate({ lr: 0.002, lrByWidth: true }, 'medium')).toBeCloseTo(0.001, 15);
    expect(rlLearningRate({ lr: 0.003, lrByWidth: true }, 'large')).toBeCloseTo(0.001, 15);
  });

  it('is off for experiments that do not say, so older links keep their meaning', () => {
    const parsed = parseExperiment({ version: 2, task: 'meadow', optim: { lr: 0.004 } });
    expect(parsed.ok && parsed.value.optim.lrByWidth).toBe(false);
    const v1 = parseExperiment({ version: 1, task: 'meadow' });
    expect(v1.ok && v1.value.optim.lrByWidth).toBe(false);
    const bad = parseExperiment({ version: 2, task: 'meadow', optim: { lrByWidth: 'yes' } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems.map((p) => p.path)).toContain('optim.lrByWidth');
  });
});
