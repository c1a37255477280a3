/**
 * The dial results file (`lab dial --out`, read by `lab dial --from` and the app's Dial tab): the
 * dial's definition, every point's generated rubric and measured statistics, the exact experiment
 * that re-runs each point x size, per-arm final metrics by seed, the gains of focal with paired t
 * intervals and Holm-corrected p, and per-arm mean traces. One schema for every reader; changes
 * after version 1 are additive only (new optional fields), so readers of version 1 keep working.
 *
 * Numbers that can be undefined in the statistics (an interval over fewer than two seeds, an
 * infinite d_z, a metric a failed run never measured) are `null` in the file: JSON has no NaN or
 * Infinity, and `JSON.stringify` writes both as null.
 */
import { z } from 'zod';
import { parseExperiment } from '../experiment/resolve';
import { MODEL_SIZES, type Experiment } from '../experiment/schema';
import { rawProblems } from '../input/raw';
import { METHODS } from '../reward/config';
import { rubricSchema } from '../rubric/schema';
import { describeProblems, problemsOf, type Problem } from '../validation';

export const DIAL_RESULTS_FORMAT = 'focal-lab-dial';
export const DIAL_RESULTS_VERSION = 1;

/** The four dials of the family; a point sets all four. */
export const DIAL_IDS = ['baseRate', 'weightShare', 'conflict', 'criteria'] as const;
export type DialId = (typeof DIAL_IDS)[number];
export const CONFLICTS = ['none', 'mild', 'strong'] as const;
export type Conflict = (typeof CONFLICTS)[number];
/** What the tables and the app compare: final held-out metrics and the area under the curve. */
export const DIAL_METRICS = ['rubric', 'worst', 'lagging', 'allPass', 'auc'] as const;
export type DialMetric = (typeof DIAL_METRICS)[number];

/** A number that may be undefined (NaN or Infinity in memory, null in the file). */
const maybe = z.number().nullable();
const rate = z.number().min(0).max(1);
const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);
const armId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'must be lowercase letters, digits or dashes');
const pointId = z.string().min(1).max(60);

export const dialSettingSchema = z.strictObject({
  /** Target corpus pass rate of the lagging criterion. */
  baseRate: z.number().gt(0).lt(1),
  /** Share of the rubric's total weight on the lagging criterion. */
  weightShare: z.number().gt(0).lt(1),
  /** How much a length cap costs the lagging criterion. */
  conflict: z.enum(CONFLICTS),
  /** Criteria in the rubric, the lagging one included. */
  criteria: z.number().int().min(2).max(16),
});
export type DialSetting = z.infer<typeof dialSettingSchema>;

export const dialDefinitionSchema = z.strictObject({
  id: z.enum(DIAL_IDS),
  label: z.string().min(1).max(80),
  /** The dial's values in display order, and the point that realises each (the centre among them). */
  values: z.array(z.strictObject({ value: z.union([z.number(), z.enum(CONFLICTS)]), point: pointId })).min(1),
});
export type DialDefinition = z.infer<typeof dialDefinitionSchema>;

export const dialArmSchema = z.strictObject({
  /** The variant name in the point's experiment. */
  id: armId,
  label: z.string().min(1).max(80),
  method: z.enum(METHODS),
  /** How the arm differs from the method's defaults, in words. */
  note: z.string().max(300).default(''),
});
export type DialArm = z.infer<typeof dialArmSchema>;

/** A candidate criterion's measured corpus statistics. */
export const measuredCriterionSchema = z.strictObject({
  id: z.string().min(1).max(40),
  kind: z.string().min(1).max(40),
  /** Corpus pass rate (share of sentences scoring 1). */
  passRate: rate,
  /** Phi correlation of its pass with the lagging criterion's pass on the corpus (null: one is constant). */
  phiWithLagging: maybe,
});

export const dialMeasuredSchema = z.strictObject({
  /** Sentences scored (the task's generator over its training topics, a fixed seed). */
  corpusSize: z.number().int().min(1),
  /** The lagging criterion's corpus pass rate (the target is `setting.baseRate`). */
  laggingRate: rate,
  /**
   * The length cap of the conflict dial (`max` words, tolerance 1). Conflict none keeps a cap that
   * every output meets (`max` = the task's maxNew, target null), so every point has the same criteria.
   */
  cap: z.strictObject({
    max: z.number().int().nullable(),
    /** Target of P(cap | lagging): 0.5 mild, 0.15 strong, null for none. */
    target: maybe,
    /** P(cap passes), P(cap passes | lagging passes), phi(cap, lagging) on the corpus. */
    pass: maybe,
    passGivenLagging: maybe,
    phi: maybe,
  }),
  /** Every criterion of the rubric, lagging and cap included, with its corpus statistics. */
  criteria: z.array(measuredCriterionSchema).min(1).max(16),
  /** The lagging criterion's share of the stated weight (equals `setting.weightShare`). */
  weightShare: rate,
  /** Where a target could not be met: what was asked, what was taken (never silent). */
  notes: z.array(z.string().max(400)).default([]),
});
export type DialMeasured = z.infer<typeof dialMeasuredSchema>;

/** Final metrics of one arm, each array in the order of the file's `seeds` (null: no result). */
export const armFinalsSchema = z.strictObject({
  arm: armId,
  rubric: z.array(maybe),
  worst: z.array(maybe),
  lagging: z.array(maybe),
  allPass: z.array(maybe),
  auc: z.array(maybe),
  /** Name of the worst criterion at the end, per seed. */
  worstCriterion: z.array(z.string().max(40).nullable()),
  /** Wall-clock seconds of each run (added after version 1 was first committed; optional). */
  seconds: z.array(maybe).optional(),
  /** Seeds whose run failed, with why. */
  failures: z.array(z.strictObject({ seed, reason: z.string().max(2000) })).default([]),
});
export type ArmFinals = z.infer<typeof armFinalsSchema>;

/**
 * `candidate - baseline` paired by seed on one metric: a 95% paired t interval, Cohen's d_z, the
 * uncorrected two-sided p and Holm's p over the family (every test in the file on the same metric).
 */
export const dialGainSchema = z.strictObject({
  metric: z.enum(DIAL_METRICS),
  candidate: armId,
  baseline: armId,
  n: z.number().int().min(0),
  mean: maybe,
  sd: maybe,
  low: maybe,
  high: maybe,
  t: maybe,
  p: maybe,
  pHolm: maybe,
  dz: maybe,
  verdict: z.enum(['win', 'loss', 'undecided']),
});
export type DialGain = z.infer<typeof dialGainSchema>;

/**
 * One arm's traces, means over seeds, per criterion in rubric order (`criteria`): the held-out
 * score at each evaluation step, and the training batches' effective weight and saturation at
 * (thinned) metric steps.
 */
export const armTraceSchema = z.strictObject({
  arm: armId,
  evalSteps: z.array(z.number().int().min(0)),
  rubric: z.array(maybe),
  heldOut: z.array(z.array(maybe)),
  steps: z.array(z.number().int().min(0)),
  weight: z.array(z.array(maybe)),
  saturation: z.array(z.array(maybe)),
});
export type ArmTrace = z.infer<typeof armTraceSchema>;

export const sizeResultSchema = z.strictObject({
  size: z.enum(MODEL_SIZES),
  /** The experiment file that re-runs this point x size, every arm a variant (validated as any file). */
  experiment: z.unknown(),
  /** Tuned static: the lagging criterion's training-weight multiplier chosen on the tuning seeds. */
  tuning: z.strictObject({
    multipliers: z.array(z.number().positive()),
    /** Mean final held-out rubric score (stated weights) per multiplier, over the tuning seeds. */
    scores: z.array(maybe),
    chosen: z.number().positive(),
  }),
  /** The starting policy's held-out pass rate of the lagging criterion (step-0 evaluation, mean over runs). */
  startLaggingRate: maybe,
  arms: z.array(armFinalsSchema),
  gains: z.array(dialGainSchema),
  traces: z.array(armTraceSchema),
});

export const dialPointSchema = z.strictObject({
  id: pointId,
  label: z.string().min(1).max(120),
  setting: dialSettingSchema,
  /** Dials this point lies on (the centre lies on all four). */
  dials: z.array(z.enum(DIAL_IDS)),
  /** The generated rubric with the stated weights (what evaluation uses). */
  rubric: rubricSchema,
  lagging: z.string().min(1).max(40),
  measured: dialMeasuredSchema,
  sizes: z.array(sizeResultSchema),
});

export const dialResultsSchema = z.strictObject({
  format: z.literal(DIAL_RESULTS_FORMAT),
  version: z.literal(DIAL_RESULTS_VERSION),
  task: z.string().min(1).max(40),
  dials: z.array(dialDefinitionSchema),
  centre: dialSettingSchema,
  arms: z.array(dialArmSchema).min(1),
  sizes: z.array(z.enum(MODEL_SIZES)).min(1),
  seeds: z.array(seed).min(1),
  tuningSeeds: z.array(seed),
  steps: z.number().int().min(1),
  eval: z.strictObject({ every: z.number().int().min(0), samples: z.number().int().min(1) }),
  points: z.array(dialPointSchema),
  /** What was predicted before the run (written by whoever runs it). */
  predictions: z.string().max(20000).default(''),
  machine: z.strictObject({
    cores: z.number().int().min(1),
    /** Load averages (1, 5, 15 minutes) at the start and at the end. */
    loadStart: z.array(z.number().min(0)),
    loadEnd: z.array(z.number().min(0)),
    minutes: z.number().min(0),
    jobs: z.number().int().min(1),
    node: z.string().max(40).default(''),
  }),
  createdAt: z.string().max(40).default(''),
});

type DialResultsParsed = z.infer<typeof dialResultsSchema>;
export type DialSizeResult = Omit<z.infer<typeof sizeResultSchema>, 'experiment'> & {
  experiment: Experiment;
};
export type DialPoint = Omit<z.infer<typeof dialPointSchema>, 'sizes'> & { sizes: DialSizeResult[] };
export type DialResults = Omit<DialResultsParsed, 'points'> & { points: DialPoint[] };
export type DialResultsInput = z.input<typeof dialResultsSchema>;

export type ParsedDial =
  { ok: true; value: DialResults } | { ok: false; problems: Problem[]; message: string };

const failed = (problems: Problem[]): ParsedDial => ({
  ok: false,
  problems,
  message: `invalid dial results file\n${describeProblems(problems)}`,
});

/** Whether `data` claims to be a dial results file (then `parseDialResults` says what is wrong). */
export function looksLikeDialResults(data: unknown): boolean {
  return (
    typeof data === 'object' && data !== null && (data as { format?: unknown }).format === DIAL_RESULTS_FORMAT
  );
}

/**
 * A dial results file, validated: the schema, then every point's experiment as any experiment
 * file is (task, rubric, variants). A rejection lists every problem with its path, e.g.
 * `points.3.sizes.0.gains.2.low: Expected number, received string`.
 */
export function parseDialResults(data: unknown): ParsedDial {
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return failed([{ path: '', message: 'not a dial results file (an object)' }]);
  // Depth and special keys first; statistics may be null, so numbers are left to the schema.
  const raw = rawProblems(data, { numbers: false });
  if (raw.length > 0) return failed(raw);
  const parsed = dialResultsSchema.safeParse(data);
  if (!parsed.success) return failed(problemsOf(parsed.error));
  const problems: Problem[] = [];
  const points = parsed.data.points.map((point, i) => ({
    ...point,
    sizes: point.sizes.map((size, j) => {
      const experiment = parseExperiment(size.experiment);
      if (!experiment.ok)
        problems.push(
          ...experiment.problems.map((p) => ({
            path: `points.${i}.sizes.${j}.experiment.${p.path}`,
            message: p.message,
          })),
        );
      return { ...size, experiment: (experiment.ok ? experiment.value : undefined) as Experiment };
    }),
  }));
  return problems.length > 0 ? failed(problems) : { ok: true, value: { ...parsed.data, points } };
}
