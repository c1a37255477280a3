/**
 * The dial's analysis by hand: final metrics and the area under the held-out curve, paired t gains
 * with Holm over the family, the tuning choice, and the traces; and the identities (an arm's gain
 * over itself is exactly 0 with a zero-width interval; the area of a constant curve is the constant).
 */
import { describe, expect, it } from 'vitest';
import {
  armFinals,
  armTrace,
  curveArea,
  gainsOf,
  runFinal,
  startRate,
  withHolm,
} from '../../../src/core/dial/analyse';
import { tuningVariant } from '../../../src/core/dial/experiment';
import { chooseMultiplier } from '../../../src/core/dial/tuning';
import { Rng } from '../../../src/core/random/rng';
import type { RunResult } from '../../../src/core/records/run-result';

/** A run with two criteria (lagging, other) evaluated at steps 0, 10, 20. */
function run(variant: string, seed: number, curve: readonly number[], lagging: readonly number[]): RunResult {
  const steps = [0, 10, 20];
  return {
    variant,
    seed,
    backend: 'cpu',
    config: {} as RunResult['config'],
    criterionIds: ['lagging', 'other'],
    criterionNames: ['Lagging', 'Other'],
    metrics: [1, 2, 3].map((step) => ({
      step,
      criterionMeans: [0.1 * step, 0.5],
      effectiveWeights: [0.1 * step, 1 - 0.1 * step],
      saturation: [0.1, 0.9],
      rubricScore: 0,
      worstScore: 0,
      allPassRate: 0,
      kl: 0,
      entropy: 0,
      loss: 0,
      clipFraction: 0,
      gradNorm: 0,
      advantageMean: 0,
      advantageStd: 0,
      zeroStdShare: 0,
      meanLength: 0,
      msSample: 0,
      msScore: 0,
      msUpdate: 0,
    })),
    evals: steps.map((step, i) => ({
      step,
      criterionMeans: [lagging[i], 0.9],
      criterionPassRates: [lagging[i], 0.9],
      rubricScore: curve[i],
      worstScore: Math.min(lagging[i], 0.9),
      allPassRate: lagging[i] * 0.5,
      spread: 0,
      samples: 64,
    })),
    seconds: 1,
  };
}

describe('curveArea', () => {
  it('is the trapezoid area over the step span (by hand)', () => {
    // (0.2 + 0.4) / 2 * 10 + (0.4 + 1.0) / 2 * 10 = 3 + 7 = 10, over 20 steps = 0.5
    expect(curveArea([0, 10, 20], [0.2, 0.4, 1.0])).toBeCloseTo(0.5, 12);
    // Uneven steps: (0 + 1) / 2 * 30 + (1 + 1) / 2 * 10 = 25, over 40 = 0.625
    expect(curveArea([0, 30, 40], [0, 1, 1])).toBeCloseTo(0.625, 12);
    expect(curveArea([5], [0.3])).toBe(0.3);
    expect(Number.isNaN(curveArea([], []))).toBe(true);
  });

  it('of a constant curve is the constant (random steps)', () => {
    const rng = new Rng(3, 'auc');
    for (let trial = 0; trial < 50; trial++) {
      const c = rng.next();
      let step = 0;
      const steps = Array.from({ length: 2 + rng.int(10) }, () => (step += 1 + rng.int(20)));
      expect(
        curveArea(
          steps,
          steps.map(() => c),
        ),
      ).toBeCloseTo(c, 12);
    }
  });
});

describe('runFinal and armFinals', () => {
  it('read the last evaluation, the lagging criterion and the worst criterion', () => {
    const f = runFinal(run('focal', 1, [0.2, 0.4, 1.0], [0.05, 0.2, 0.3]), 'lagging');
    expect(f).toEqual({
      rubric: 1.0,
      worst: 0.3,
      lagging: 0.3,
      allPass: 0.15,
      auc: 0.5,
      worstCriterion: 'lagging',
    });
  });

  it('put null where a seed has no run or its run failed', () => {
    const failed = { ...run('focal', 2, [0, 0, 0], [0, 0, 0]), failure: { step: 3, reason: 'NaN' } };
    const arm = armFinals(
      [run('focal', 1, [0.2, 0.4, 1], [0, 0, 0.3]), failed],
      'focal',
      [1, 2, 3],
      'lagging',
    );
    expect(arm.rubric).toEqual([1, null, null]);
    expect(arm.failures).toEqual([{ seed: 2, reason: 'NaN' }]);
    expect(arm.seconds).toEqual([1, 1, null]);
  });
});

describe('gains', () => {
  const seeds = [1, 2, 3];
  const finals = (arm: string, values: readonly number[]) =>
    armFinals(
      values.map((v, i) => run(arm, seeds[i], [0, v, v], [v, v, v])),
      arm,
      seeds,
      'lagging',
    );

  it('are paired t tests of focal - baseline (by hand)', () => {
    // Differences 0.1, 0.2, 0.3: mean 0.2, sd 0.1, t(2) 0.975 = 4.302653, half-width 0.1 * 4.302653 / sqrt(3)
    const gains = gainsOf([finals('focal', [0.5, 0.6, 0.7]), finals('static', [0.4, 0.4, 0.4])]);
    const rubric = gains.find((g) => g.metric === 'rubric' && g.baseline === 'static');
    if (!rubric) throw new Error('no gain');
    const half = (0.1 * 4.302652729911275) / Math.sqrt(3);
    expect(rubric.n).toBe(3);
    expect(rubric.mean).toBeCloseTo(0.2, 12);
    expect(rubric.sd).toBeCloseTo(0.1, 12);
    expect(rubric.low).toBeCloseTo(0.2 - half, 9);
    expect(rubric.high).toBeCloseTo(0.2 + half, 9);
    expect(rubric.dz).toBeCloseTo(2, 9);
    // Every metric is tested, against each baseline present only.
    expect(new Set(gains.map((g) => g.metric)).size).toBe(5);
    expect(gains.every((g) => g.baseline === 'static')).toBe(true);
  });

  it('of an arm over itself is exactly 0 with a zero-width interval (random finals)', () => {
    const rng = new Rng(9, 'self');
    for (let trial = 0; trial < 20; trial++) {
      const values = seeds.map(() => rng.next());
      const own = finals('focal', values);
      const copy = { ...own, arm: 'static' };
      for (const g of gainsOf([own, copy])) {
        expect(g.mean).toBe(0);
        expect(g.low).toBe(0);
        expect(g.high).toBe(0);
        expect(g.p).toBe(1);
        expect(g.verdict).toBe('undecided');
      }
    }
  });

  it('are corrected by Holm over every test of the same metric in the file', () => {
    const a = gainsOf([finals('focal', [0.5, 0.6, 0.7]), finals('static', [0.4, 0.4, 0.4])]);
    const b = gainsOf([finals('focal', [0.5, 0.6, 0.7]), finals('gdpo', [0.45, 0.5, 0.71])]);
    const [ca, cb] = withHolm([a, b]);
    const pa = a.find((g) => g.metric === 'rubric')?.p ?? Number.NaN;
    const pb = b.find((g) => g.metric === 'rubric')?.p ?? Number.NaN;
    const lowest = Math.min(pa, pb);
    const adjusted = [ca, cb].map((list) => list.find((g) => g.metric === 'rubric')?.pHolm ?? Number.NaN);
    // Two tests: the smaller p doubles, the larger stays (Holm's step-down, capped at 1).
    expect(Math.min(...adjusted)).toBeCloseTo(Math.min(1, 2 * lowest), 12);
    expect(Math.max(...adjusted)).toBeCloseTo(Math.max(Math.min(1, 2 * lowest), Math.max(pa, pb)), 12);
  });
});

describe('tuning, start rate and traces', () => {
  it('chooses the multiplier with the best mean final rubric score, the smaller on a tie', () => {
    const results = [
      run(tuningVariant(1), 101, [0, 0, 0.5], [0, 0, 0]),
      run(tuningVariant(2), 101, [0, 0, 0.7], [0, 0, 0]),
      run(tuningVariant(4), 101, [0, 0, 0.7], [0, 0, 0]),
      run(tuningVariant(8), 101, [0, 0, 0.6], [0, 0, 0]),
    ];
    expect(chooseMultiplier(results, [1, 2, 4, 8])).toEqual({
      multipliers: [1, 2, 4, 8],
      scores: [0.5, 0.7, 0.7, 0.6],
      chosen: 2,
    });
  });

  it("reads the starting policy's lagging rate from the step-0 evaluations", () => {
    expect(
      startRate([run('a', 1, [0, 0, 0], [0.02, 0, 0]), run('b', 2, [0, 0, 0], [0.04, 0, 0])], 'lagging'),
    ).toBeCloseTo(0.03, 12);
  });

  it('averages per-criterion traces over seeds and thins the training steps', () => {
    const trace = armTrace(
      [run('focal', 1, [0, 0.5, 1], [0.1, 0.2, 0.3]), run('focal', 2, [0, 0.3, 0.5], [0.3, 0.4, 0.5])],
      'focal',
      ['lagging', 'other'],
      2,
    );
    expect(trace.evalSteps).toEqual([0, 10, 20]);
    expect(trace.rubric).toEqual([0, 0.4, 0.75]);
    expect(trace.heldOut[0].map((v) => Number(v?.toFixed(12)))).toEqual([0.2, 0.3, 0.4]);
    expect(trace.steps).toEqual([2, 3]);
    expect(trace.weight[0].map((v) => Number(v?.toFixed(12)))).toEqual([0.2, 0.3]);
    expect(trace.saturation[1]).toEqual([0.9, 0.9]);
  });
});
