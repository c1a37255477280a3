/**
 * The experiment file: one versioned schema for files, share links, the app and the CLI.
 * A file describes a base experiment and, for ablations, named variants that override parts of it.
 * Objects are strict at every depth: an unknown or misspelt key is refused with its path (see
 * `problemsOf`), never dropped in silence. Test-only switches are not part of it (they are set
 * apart from the experiment, see `TrainerHooks.faults`).
 */
import { z } from 'zod';
import { rubricSchema } from '../rubric/schema';
import { methodConfigSchema } from '../reward/config';

/**
 * Version 2 added `base`. Version-1 files and links had no base and always warm-started from the
 * run's seed; `migrateExperiment` (migrate.ts) reads them as `base: 'scratch'`, their meaning then.
 */
export const EXPERIMENT_VERSION = 2;
/** Oldest version that `migrateExperiment` still reads. */
export const OLDEST_EXPERIMENT_VERSION = 1;
/**
 * Where a run's policy starts: `zoo`, the shipped base policy of its task and size (public/zoo,
 * trained to a stated quality; seeds then vary RL only), or `scratch`, initialised from the seed
 * and warm-started with the `warmStart` settings.
 */
export const BASES = ['zoo', 'scratch'] as const;
export type Base = (typeof BASES)[number];
/** Default base of a version-2 experiment without one (version 1 migrates to `scratch`). */
export const DEFAULT_BASE: Base = 'zoo';
export const MODEL_SIZES = ['small', 'medium', 'large'] as const;
export type ModelSize = (typeof MODEL_SIZES)[number];
export const BACKENDS = ['auto', 'webgpu', 'webgl', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];

const seed = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

export const optimSchema = z.strictObject({
  /** Adam learning rate of the RL phase. */
  lr: z.number().positive().max(1).default(0.002),
  /** `lr` is the small policy's; wider policies take lr x 32 / width (learning-rate.ts). */
  lrByWidth: z.boolean().default(false),
  /** Passes over the same rollouts per step (1 = REINFORCE with the group baseline). */
  mu: z.number().int().min(1).max(8).default(2),
  epsClip: z.number().positive().max(1).default(0.2),
  betaKL: z.number().min(0).max(10).default(0.02),
  entCoef: z.number().min(0).max(1).default(0),
  /** Global gradient-norm clip. */
  maxGradNorm: z.number().positive().max(1000).default(1),
  /** Below 0.05 the masked logits divided by it leave the range of 16-bit floats (WebGL). */
  temperature: z.number().min(0.05).max(5).default(1),
});

export const samplingSchema = z.strictObject({
  /** Rollouts per prompt (G). */
  groupSize: z.number().int().min(2).max(64).default(8),
  /** Prompts per step (B). */
  promptsPerStep: z.number().int().min(1).max(64).default(8),
});

export const warmStartSchema = z.strictObject({
  steps: z.number().int().min(0).max(5000).default(600),
  batchSize: z.number().int().min(1).max(512).default(32),
  lr: z.number().positive().max(1).default(0.01),
  /** Grammar sentences generated for the corpus. */
  corpusSize: z.number().int().min(16).max(20000).default(2000),
});

export const evalSchema = z.strictObject({
  /** Evaluate on held-out prompts every this many steps (0 = only at the end). */
  every: z.number().int().min(0).max(100000).default(25),
  /** Samples per held-out prompt. */
  samples: z.number().int().min(1).max(64).default(8),
});

/** The parts of an experiment that a variant may override. */
export const experimentCoreSchema = z.strictObject({
  task: z.string().min(1).max(40),
  /** Absent: the task's default rubric. */
  rubric: rubricSchema.optional(),
  model: z.strictObject({ size: z.enum(MODEL_SIZES).default('medium') }).default({ size: 'medium' }),
  method: methodConfigSchema.default(methodConfigSchema.parse({ method: 'focal' })),
  optim: optimSchema.default(optimSchema.parse({})),
  sampling: samplingSchema.default(samplingSchema.parse({})),
  base: z.enum(BASES).default(DEFAULT_BASE),
  /** Used when `base` is `scratch`. */
  warmStart: warmStartSchema.default(warmStartSchema.parse({})),
  steps: z.number().int().min(1).max(100000).default(150),
  eval: evalSchema.default(evalSchema.parse({})),
  backend: z.enum(BACKENDS).default('auto'),
});

export const variantSchema = z.strictObject({
  name: z.string().trim().min(1).max(60),
  /** A partial experiment (any of task, rubric, model, method, optim, sampling, warmStart, steps, eval). */
  overrides: z.record(z.string(), z.unknown()).default({}),
});

export const experimentSchema = experimentCoreSchema.extend({
  version: z.literal(EXPERIMENT_VERSION),
  name: z.string().trim().min(1).max(80).default('Untitled experiment'),
  description: z.string().max(2000).optional(),
  seeds: z.array(seed).min(1).max(32).default([1]),
  variants: z.array(variantSchema).max(32).default([]),
});

export type Experiment = z.infer<typeof experimentSchema>;
export type ExperimentInput = z.input<typeof experimentSchema>;
export type ExperimentCore = z.infer<typeof experimentCoreSchema>;
export type OptimConfig = z.infer<typeof optimSchema>;
export type Variant = z.infer<typeof variantSchema>;
