/**
 * The paper cell's per-criterion curves, by hand: per window of steps, each seed's mean first, then
 * mean and sample std across seeds; a criterion switched off has no curve; the app picks the curve.
 */
import { describe, expect, it } from 'vitest';
import { paperCell, paperCellSchema } from '../../../src/core/experiment/paper-results';
import type { RunResult } from '../../../src/core/records/run-result';
import { cellCurves, curveChoices } from '../../../src/app/model/paper';

function run(
  method: string,
  seed: number,
  scores: number[][],
  weights: number[][],
  final: number,
): RunResult {
  return {
    variant: `meadow/small/${method}`,
    seed,
    backend: 'cpu',
    config: { task: 'meadow', model: { size: 'small' }, method: { method } },
    criterionIds: ['a', 'b', 'c'],
    criterionNames: ['A', 'B', 'C'],
    metrics: scores.map((s, i) => ({
      step: i + 1,
      criterionMeans: s,
      effectiveWeights: weights[i],
      rubricScore: s[0],
    })),
    evals: [
      {
        step: scores.length,
        criterionMeans: [final, final, NaN],
        rubricScore: final,
        worstScore: final,
        allPassRate: final,
        spread: 0,
        samples: 8,
      },
    ],
    seconds: 1,
  } as unknown as RunResult;
}

// Criterion c is switched off (NaN throughout). Two steps, two seeds per method.
const off = NaN;
const runs = [
  run(
    'static',
    1,
    [
      [0.5, 0.1, off],
      [0.7, 0.3, off],
    ],
    [
      [0.5, 0.5, off],
      [0.5, 0.5, off],
    ],
    0.6,
  ),
  run(
    'static',
    2,
    [
      [0.3, 0.1, off],
      [0.5, 0.1, off],
    ],
    [
      [0.5, 0.5, off],
      [0.5, 0.5, off],
    ],
    0.5,
  ),
  run(
    'focal',
    1,
    [
      [0.5, 0.2, off],
      [0.6, 0.4, off],
    ],
    [
      [0.2, 0.8, off],
      [0.4, 0.6, off],
    ],
    0.8,
  ),
  run(
    'focal',
    2,
    [
      [0.5, 0.4, off],
      [0.8, 0.6, off],
    ],
    [
      [0.4, 0.6, off],
      [0.6, 0.4, off],
    ],
    0.7,
  ),
];

describe('paper cell curves per criterion', () => {
  const cell = paperCellSchema.parse(paperCell(runs, 'meadow', 'small'));

  it('keeps per window the mean and sample std over seeds of each criterion score and weight', () => {
    const focal = cell.methods.focal;
    expect(focal.criterionSteps).toEqual([1, 2]);
    // Criterion b, focal: step 1 seeds 0.2 and 0.4 (mean 0.3, std 0.1414); step 2: 0.4 and 0.6.
    expect(focal.criterionScores![1]!.mean).toEqual([0.3, 0.5]);
    expect(focal.criterionScores![1]!.std).toEqual([0.141, 0.141]);
    // Its weight: 0.8 and 0.6, then 0.6 and 0.4.
    expect(focal.criterionWeights![1]!.mean).toEqual([0.7, 0.5]);
    expect(cell.methods.static.criterionWeights![0]!).toEqual({ mean: [0.5, 0.5], std: [0, 0] });
    // Switched off: no curve, rather than a line of NaN.
    expect(focal.criterionScores![2]).toBeNull();
    expect(focal.criterionWeights![2]).toBeNull();
  });

  it('gives the app one choice per criterion score and weight, and the curve each names', () => {
    const labels = curveChoices(cell).map((c) => c.label);
    expect(labels).toEqual([
      'rubric score',
      'A: score',
      'B: score',
      'C: score',
      'A: effective weight',
      'B: effective weight',
      'C: effective weight',
    ]);
    const methods = ['static', 'gdpo', 'focal'];
    const b = cellCurves(cell, methods, { kind: 'score', criterion: 1 });
    expect(b[1]).toBeNull(); // no gdpo runs in this cell
    expect(b[2]).toEqual({ method: 'focal', steps: [1, 2], mean: [0.3, 0.5], std: [0.141, 0.141] });
    expect(cellCurves(cell, methods, { kind: 'weight', criterion: 2 })[2]).toBeNull();
    expect(cellCurves(cell, methods, { kind: 'rubric' })[0]!.mean).toEqual([0.4, 0.6]);
  });

  it('offers only the rubric score for a file written before criterion curves were kept', () => {
    const old = structuredClone(cell);
    for (const m of Object.values(old.methods)) {
      delete m.criterionSteps;
      delete m.criterionScores;
      delete m.criterionWeights;
    }
    expect(paperCellSchema.safeParse(old).success).toBe(true);
    expect(curveChoices(old).map((c) => c.label)).toEqual(['rubric score']);
    expect(cellCurves(old, ['focal'], { kind: 'score', criterion: 0 })).toEqual([null]);
  });
});
