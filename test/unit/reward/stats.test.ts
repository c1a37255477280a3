import { describe, expect, it } from 'vitest';
import {
  EPS,
  batchMoments,
  groupMoments,
  indexGroups,
  standardiseBatch,
  standardiseInGroups,
} from '../../../src/core/reward/stats';

describe('group index', () => {
  it('maps arbitrary ids to dense indices in order of first appearance', () => {
    const g = indexGroups([7, 3, 7, -1, 3, -1]);
    expect(Array.from(g.of)).toEqual([0, 1, 0, 2, 1, 2]);
    expect(g.count).toBe(3);
    expect(Array.from(g.size)).toEqual([2, 2, 2]);
  });
});

describe('moments', () => {
  it('uses the population standard deviation', () => {
    // group 0: 1, 0, 0, 0 -> mean 0.25, var (0.5625 + 3 * 0.0625) / 4 = 0.1875, std sqrt(3)/4
    // group 1: 0.2, 0.6 -> mean 0.4, std 0.2
    const g = indexGroups([0, 0, 0, 0, 1, 1]);
    const mean = new Float64Array(2);
    const std = new Float64Array(2);
    groupMoments(new Float64Array([1, 0, 0, 0, 0.2, 0.6]), g, mean, std);
    expect(mean[0]).toBeCloseTo(0.25, 15);
    expect(std[0]).toBeCloseTo(Math.sqrt(3) / 4, 15);
    expect(mean[1]).toBeCloseTo(0.4, 15);
    expect(std[1]).toBeCloseTo(0.2, 15);
  });

  it('gives a constant group its exact value and std 0 despite rounding (3 x 0.1 / 3 != 0.1)', () => {
    const x = new Float64Array([0.1, 0.1, 0.1, 0.7, 0.7]);
    const g = indexGroups([0, 0, 0, 1, 1]);
    const mean = new Float64Array(2);
    const std = new Float64Array(2);
    groupMoments(x, g, mean, std);
    expect(Array.from(mean)).toEqual([0.1, 0.7]);
    expect(Array.from(std)).toEqual([0, 0]);
    expect(Array.from(standardiseInGroups(x, g, new Float64Array(5)))).toEqual([0, 0, 0, 0, 0]);
    expect(batchMoments(new Float64Array([0.1, 0.1, 0.1]))).toEqual({ mean: 0.1, std: 0 });
  });

  it('standardises with eps added to the std', () => {
    // batch 0, 1: mean 0.5, std 0.5 -> -+0.5 / (0.5 + eps)
    const out = standardiseBatch(new Float64Array([0, 1]), new Float64Array(2));
    expect(out[0]).toBeCloseTo(-0.5 / (0.5 + EPS), 15);
    expect(out[1]).toBeCloseTo(0.5 / (0.5 + EPS), 15);
    expect(Array.from(standardiseBatch(new Float64Array([3, 3]), new Float64Array(2)))).toEqual([0, 0]);
  });
});
