/**
 * The paper grid's compact results, as `lab paper` writes them for the app
 * (public/paper/results.json): per task x size the verdicts with their intervals, each method's
 * curves (rubric score, and each criterion's score and effective weight; mean and std over seeds)
 * and final per-criterion scores, and the cell's experiment, so
 * that the app draws the evidence and can load a cell without any number typed by hand. Built from
 * the runs' records (pure), and validated when read.
 */
import { z } from 'zod';
import type { RunResult } from './run-result';
import { METRICS, metricTests, summarise, type FinalScores, type Metric } from '../experiment/compare';
import { holm, verdictAt, type PairedT } from '../experiment/paired-t';
import type { Method } from '../reward/config';
import { seedWindows, windowedBand } from './windows';

export const PAPER_RESULTS_VERSION = 1;
export const PAPER_METHODS = ['static', 'gdpo', 'worst', 'focal'] as const;
/** Points kept per curve: enough to read its shape, small enough to ship. */
const CURVE_POINTS = 60;
/** Points per criterion curve (score and weight per criterion and method: kept coarser). */
const CRITERION_POINTS = 20;

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));

const verdictSchema = z.enum(['win', 'loss', 'undecided']);
/** A p-value or effect size; null where it is not a finite number (one seed, zero spread). */
const finiteOrNull = z.number().nullable();

/** One paired t test: the mean difference, its 95% t interval, p (raw and Holm), d_z, verdict. */
const testSchema = z.object({
  baseline: z.string(),
  mean: z.number(),
  low: z.number(),
  high: z.number(),
  n: z.number().int(),
  p: finiteOrNull,
  pHolm: finiteOrNull,
  dz: finiteOrNull,
  verdict: verdictSchema,
});

/**
 * A metric of a cell. `baseline` .. `verdict` are what every version of the file has: since issue
 * 22, focal minus the best of static, gdpo and worst chosen seed by seed on the other seeds, with a
 * 95% paired t interval and the verdict after Holm's correction over the grid (`test: 'paired-t'`,
 * with `p`, `pHolm`, `dz`, each baseline alone in `separate`, and the old statistic in `bootstrap`).
 * Files written before have none of the optional fields, and their interval and verdict are the
 * 95% paired bootstrap against the best on the same seeds.
 */
const statisticSchema = z.object({
  baseline: z.string(),
  mean: z.number(),
  low: z.number(),
  high: z.number(),
  n: z.number().int(),
  verdict: verdictSchema,
  test: z.literal('paired-t').optional(),
  p: finiteOrNull.optional(),
  pHolm: finiteOrNull.optional(),
  dz: finiteOrNull.optional(),
  /** The verdict of the uncorrected test (p < 0.05). */
  uncorrected: verdictSchema.optional(),
  separate: z.array(testSchema).optional(),
  bootstrap: z
    .object({
      baseline: z.string(),
      mean: z.number(),
      low: z.number(),
      high: z.number(),
      verdict: verdictSchema,
    })
    .optional(),
});

const bandSchema = z.object({ mean: z.array(z.number()), std: z.array(z.number()) });

const methodSchema = z.object({
  /** Training-rollout rubric score per step window: mean and std over seeds. */
  steps: z.array(z.number()),
  mean: z.array(z.number()),
  std: z.array(z.number()),
  /** Final held-out evaluation, mean over seeds, per criterion, and the rubric score. */
  criterionMeans: z.array(z.number().nullable()),
  rubricScore: z.number(),
  seeds: z.number().int(),
  /**
   * Per criterion (null where it was switched off), on `criterionSteps`: the training batches'
   * criterion mean and the aggregator's effective weight, each mean and std over seeds per window
   * of steps. How a method got to its final scores (which criterion fell, where the weight went).
   * Absent in files written before they were kept.
   */
  criterionSteps: z.array(z.number()).optional(),
  criterionScores: z.array(bandSchema.nullable()).optional(),
  criterionWeights: z.array(bandSchema.nullable()).optional(),
});

export const paperCellSchema = z.object({
  task: z.string(),
  size: z.string(),
  criteria: z.array(z.string()),
  rubricScore: statisticSchema,
  worstScore: statisticSchema,
  allPassRate: statisticSchema,
  methods: z.record(z.string(), methodSchema),
});

export const paperResultsSchema = z.object({
  version: z.literal(PAPER_RESULTS_VERSION),
  /** What the run was, as `lab paper` recorded it. */
  settings: z.object({
    file: z.string(),
    budget: z.number(),
    seeds: z.array(z.number()),
    backend: z.string(),
    minutes: z.number(),
    runs: z.number(),
    note: z.string(),
  }),
  tasks: z.array(z.string()),
  sizes: z.array(z.string()),
  /** The base experiment (its variants are the four methods); a cell sets task and size. */
  experiment: z.record(z.string(), z.unknown()),
  cells: z.array(paperCellSchema),
});

export type PaperCell = z.infer<typeof paperCellSchema>;
export type PaperResults = z.infer<typeof paperResultsSchema>;
export type PaperStatistic = z.infer<typeof statisticSchema>;
export type PaperTest = z.infer<typeof testSchema>;

export function finalsOfRuns(results: readonly RunResult[], prefix: string): FinalScores[] {
  return results
    .filter((r) => r.variant.startsWith(prefix) && r.evals.length > 0)
    .map((r) => {
      const last = r.evals[r.evals.length - 1];
      return {
        variant: r.variant.slice(prefix.length),
        method: r.config.method.method as Method,
        seed: r.seed,
        rubricScore: last.rubricScore,
        worstScore: last.worstScore,
        allPassRate: last.allPassRate,
      };
    });
}

/** The rubric-score curve and the per-criterion curves of one method's runs. */
function curvesOf(runs: readonly RunResult[], criteria: number) {
  const curve = windowedBand(runs, CURVE_POINTS, (m) => m.rubricScore, 4) ?? { steps: [], mean: [], std: [] };
  const band = (k: number, field: 'criterionMeans' | 'effectiveWeights') => {
    const b = windowedBand(runs, CRITERION_POINTS, (m) => m[field][k], 3);
    return b && { mean: b.mean, std: b.std };
  };
  const ks = Array.from({ length: criteria }, (_, k) => k);
  const criterionSteps = seedWindows(runs, CRITERION_POINTS).map((w) => w.lastStep);
  return {
    ...curve,
    criterionSteps,
    criterionScores: ks.map((k) => band(k, 'criterionMeans')),
    criterionWeights: ks.map((k) => band(k, 'effectiveWeights')),
  };
}

/** p-values and d_z to 4 significant digits (a p of 1e-6 must not round to 0). */
const finite = (x: number): number | null => (Number.isFinite(x) ? Number(x.toPrecision(4)) : null);

/** A test as the file keeps it, uncorrected (`pHolm` = `p`) until `correctOverGrid`. */
function kept(baseline: string, t: PairedT): PaperTest {
  return {
    baseline,
    mean: round(t.mean),
    low: round(t.low),
    high: round(t.high),
    n: t.n,
    p: finite(t.p),
    pHolm: finite(t.p),
    dz: finite(t.dz),
    verdict: verdictAt(t, t.p),
  };
}

function statistic(finals: readonly FinalScores[], metric: Metric): PaperStatistic | undefined {
  const s = metricTests(finals, metric);
  if (!s) return undefined;
  const best = kept(s.bestOf.baseline, s.bestOf.test);
  const old = s.sameSeeds;
  return {
    ...best,
    test: 'paired-t',
    uncorrected: best.verdict,
    separate: s.separate.map((x) => kept(x.baseline, x.test)),
    ...(old && {
      bootstrap: {
        baseline: old.baseline,
        mean: round(old.interval.mean),
        low: round(old.interval.low),
        high: round(old.interval.high),
        verdict: old.verdict,
      },
    }),
  };
}

/**
 * Holm's correction over the grid: one family per comparison (the best of, and each baseline
 * alone), each holding that comparison's tests on every cell and metric (18 cells x 3 metrics = 54
 * on the full grid). Sets `pHolm` and the verdict at 0.05 after the correction; the uncorrected
 * verdict stays in `uncorrected`. Pure: returns new cells.
 */
export function correctOverGrid(cells: readonly PaperCell[]): PaperCell[] {
  const out: PaperCell[] = structuredClone(cells as PaperCell[]);
  const families = new Map<string, (PaperStatistic | PaperTest)[]>();
  const join = (key: string, test: PaperStatistic | PaperTest) =>
    families.set(key, [...(families.get(key) ?? []), test]);
  for (const cell of out)
    for (const metric of METRICS) {
      const s = cell[metric];
      if (s.test !== 'paired-t') continue;
      join('best of', s);
      for (const x of s.separate ?? []) join(x.baseline, x);
    }
  for (const tests of families.values()) {
    const adjusted = holm(tests.map((t) => t.p ?? Number.NaN));
    tests.forEach((t, i) => {
      t.pHolm = finite(adjusted[i]);
      t.verdict = verdictAt(t, adjusted[i]);
    });
  }
  return out;
}

/**
 * One cell from the runs of `task/size/<method>`; undefined when a method is missing. Its tests
 * are uncorrected: `buildPaperResults` corrects them over the grid.
 */
export function paperCell(results: readonly RunResult[], task: string, size: string): PaperCell | undefined {
  const prefix = `${task}/${size}/`;
  // sa-mrpo, where the ablations ran it, is reported alone beside the static aggregations.
  const finals = finalsOfRuns(results, prefix).filter((f) =>
    [...PAPER_METHODS, 'sa-mrpo'].includes(f.variant),
  );
  const rubricScore = statistic(finals, 'rubricScore');
  const worstScore = statistic(finals, 'worstScore');
  const allPassRate = statistic(finals, 'allPassRate');
  if (!rubricScore || !worstScore || !allPassRate) return undefined;
  const methods: PaperCell['methods'] = {};
  let criteria: string[] = [];
  for (const method of PAPER_METHODS) {
    const runs = results.filter((r) => r.variant === prefix + method && r.evals.length > 0);
    if (runs.length === 0) continue;
    criteria = runs[0].criterionNames;
    const finalsPerCriterion = criteria.map((_, k) => {
      const values = runs.map((r) => r.evals[r.evals.length - 1].criterionMeans[k]).filter(Number.isFinite);
      return values.length ? round(summarise(values).mean) : null;
    });
    methods[method] = {
      ...curvesOf(runs, criteria.length),
      criterionMeans: finalsPerCriterion,
      rubricScore: round(summarise(runs.map((r) => r.evals[r.evals.length - 1].rubricScore)).mean),
      seeds: runs.length,
    };
  }
  return { task, size, criteria, rubricScore, worstScore, allPassRate, methods };
}

export function buildPaperResults(args: {
  settings: PaperResults['settings'];
  tasks: string[];
  sizes: string[];
  experiment: Record<string, unknown>;
  results: readonly RunResult[];
}): PaperResults {
  const cells = correctOverGrid(
    args.tasks
      .flatMap((task) => args.sizes.map((size) => paperCell(args.results, task, size)))
      .filter((c): c is PaperCell => c !== undefined),
  );
  return {
    version: PAPER_RESULTS_VERSION,
    settings: args.settings,
    tasks: args.tasks,
    sizes: args.sizes,
    experiment: args.experiment,
    cells,
  };
}
