/**
 * Schemas of metric and evaluation records as they come back from a file (a saved run, a results
 * file): JSON writes NaN and Infinity as null, so null reads back as NaN.
 */
import { z } from 'zod';
import { experimentCoreSchema } from '../experiment/schema';

const num = z
  .number()
  .nullable()
  .transform((v) => (v === null ? NaN : v));
const nums = z.array(num);

export const metricRecordSchema = z.object({
  step: z.number().int().min(0),
  criterionMeans: nums,
  effectiveWeights: nums,
  saturation: nums,
  rubricScore: num,
  worstScore: num,
  allPassRate: num,
  kl: num,
  entropy: num,
  loss: num,
  clipFraction: num,
  gradNorm: num,
  advantageMean: num,
  advantageStd: num,
  zeroStdShare: num,
  meanLength: num,
  msSample: num,
  msScore: num,
  msUpdate: num,
});

export const evalRecordSchema = z.object({
  step: z.number().int().min(0),
  criterionMeans: nums,
  rubricScore: num,
  worstScore: num,
  allPassRate: num,
  spread: num,
  samples: z.number().int().min(0),
  criterionPassRates: nums.optional(),
});

/** A run's configuration as recorded: an experiment's core, where 0 steps (evaluate only) is allowed. */
export const runConfigSchema = experimentCoreSchema.extend({
  steps: z.number().int().min(0).max(100000),
});
