/**
 * The paper cell's per-criterion curves, by hand: per window of steps, each seed's mean first, then
 * mean and sample std across seeds; a criterion switched off has no curve; the app picks the curve.
 * And the cell's statistics: paired t tests, Holm over the grid, and files from before them.
 */
import { describe, expect, it } from 'vitest';
import {
  buildPaperResults,
  correctOverGrid,
  paperCell,
  paperCellSchema,
  paperResultsSchema,
} from '../../../src/core/records/paper-results';
import { holm } from '../../../src/core/experiment/paired-t';
import type { RunResult } from '../../../src/core/records/run-result';
import { cellCurves, curveChoices, statisticText } from '../../../src/app/model/paper';

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

describe('paper cell statistics', () => {
  // Three cells where focal beats static by 0.1, 0.2 and 0.3 on seeds 1-3 with spreads 0.01, ...
  function cellRuns(task: string, gains: number[]): RunResult[] {
    return [1, 2, 3].flatMap((seed, i) => {
      const at = (method: string, x: number) => ({
        ...run(method, seed, [[x, x, off]], [[0.5, 0.5, off]], x),
        variant: `${task}/small/${method}`,
      });
      return [at('static', 0.5), at('gdpo', 0.4), at('focal', 0.5 + gains[i])];
    }) as RunResult[];
  }
  const results = [
    ...cellRuns('meadow', [0.1, 0.11, 0.12]),
    ...cellRuns('market', [0.1, 0.2, 0.3]),
    ...cellRuns('kitchen', [-0.01, 0.01, 0]),
  ];

  it('tests focal with t intervals and corrects by Holm over the grid, keeping the old fields', () => {
    const compact = buildPaperResults({
      settings: { file: 'f', budget: 1, seeds: [1, 2, 3], backend: 'cpu', minutes: 0, runs: 27, note: '' },
      tasks: ['meadow', 'market', 'kitchen'],
      sizes: ['small'],
      experiment: {},
      results,
    });
    const parsed = paperResultsSchema.parse(JSON.parse(JSON.stringify(compact)));
    const [meadow, market, kitchen] = parsed.cells.map((c) => c.rubricScore);
    // meadow: differences 0.1, 0.11, 0.12 against static (the best on every choice): mean 0.11,
    // sd 0.01, t = 0.11 / (0.01 / sqrt 3) = 19.05 on 2 df, p = 1 - t / sqrt(2 + t^2) = 0.00274;
    // half-width 4.302653 * 0.01 / sqrt 3 = 0.02484; d_z 11.
    expect(meadow).toMatchObject({ test: 'paired-t', baseline: 'static', mean: 0.11, n: 3, dz: 11 });
    expect(meadow.p).toBeCloseTo(0.00274, 5);
    expect(meadow.low).toBeCloseTo(0.0852, 4);
    // Holm over the 9 best-of tests (3 cells x 3 metrics, all equal per cell): meadow's three
    // share the smallest p, so the first is multiplied by 9, the next two carried up to it.
    expect(meadow.pHolm).toBeCloseTo(Math.min(1, 9 * meadow.p!), 4);
    expect(meadow.verdict).toBe('win');
    // market: 0.1, 0.2, 0.3: t = 0.2 / (0.1 / sqrt 3) = 3.46 on 2 df, p = 0.0742: undecided with or
    // without the correction, although every seed gains.
    expect(market.p).toBeCloseTo(1 - Math.sqrt(12 / 14), 4);
    expect(market.uncorrected).toBe('undecided');
    expect(kitchen.verdict).toBe('undecided');
    // Each baseline alone: static and gdpo, with gdpo 0.1 lower on every seed.
    expect(meadow.separate!.map((s) => [s.baseline, s.mean])).toEqual([
      ['static', 0.11],
      ['gdpo', 0.21],
    ]);
    // The bootstrap against the best on the same seeds stays beside them.
    expect(meadow.bootstrap).toMatchObject({ baseline: 'static', mean: 0.11, verdict: 'win' });
  });

  it('corrects each comparison as its own family and leaves the input cells alone', () => {
    const cells = ['meadow', 'market', 'kitchen'].map((t) => paperCell(results, t, 'small')!);
    const before = structuredClone(cells);
    const corrected = correctOverGrid(cells);
    expect(cells).toEqual(before);
    const ps = cells.flatMap((c) =>
      [c.rubricScore, c.worstScore, c.allPassRate].map((s) => s.separate![1].p!),
    );
    const expected = holm(ps);
    const got = corrected.flatMap((c) =>
      [c.rubricScore, c.worstScore, c.allPassRate].map((s) => s.separate![1].pHolm!),
    );
    got.forEach((p, i) => expect(p).toBeCloseTo(expected[i], 4));
  });

  it('still reads a file written before the t tests (bootstrap fields only)', () => {
    const old = {
      task: 'meadow',
      size: 'small',
      criteria: [],
      methods: {},
      ...Object.fromEntries(
        ['rubricScore', 'worstScore', 'allPassRate'].map((m) => [
          m,
          { baseline: 'gdpo', mean: 0.01, low: -0.01, high: 0.02, n: 5, verdict: 'undecided' },
        ]),
      ),
    };
    const parsed = paperCellSchema.parse(old);
    expect(parsed.rubricScore.test).toBeUndefined();
    expect(statisticText(parsed.rubricScore)).toBe(
      '+0.010 [-0.010, +0.020], undecided, vs gdpo, 5 seeds (paired bootstrap)',
    );
  });
});
