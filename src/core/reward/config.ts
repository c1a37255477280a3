/**
 * Aggregator choice and parameters: the one schema used by experiment files, links and the CLI.
 * Defaults and their reasons: docs/algorithms.md.
 */
import { z } from 'zod';

export const METHODS = ['static', 'gdpo', 'sa-mrpo', 'worst', 'focal'] as const;
export type Method = (typeof METHODS)[number];

export const methodConfigSchema = z.strictObject({
  method: z.enum(METHODS),
  /** Focal exponent on (1 - saturation); sa-mrpo and focal. 0 turns reweighting off. */
  gamma: z.number().min(0).max(10).default(2),
  /** EMA momentum of the saturation estimate (focal); 0 = this batch alone. */
  beta: z.number().min(0).max(0.999).default(0.9),
  /** Floor of a focal coefficient, as a share of the criterion's static weight. */
  alphaMin: z.number().min(0).max(1).default(0.05),
  /**
   * Steps at the start over which focal's coefficients are the static weights (gamma taken as 0)
   * while the EMA already measures saturation; 0 = reweight from the first step. See H4 in
   * docs/algorithms.md: reweighting from step 1 postpones the criteria that start ahead.
   */
  warmup: z.number().int().min(0).max(10000).default(0),
  /** Inverse reward projection through the judge's error rates (focal). */
  projection: z.boolean().default(true),
  /** Reward direction calibration: the baseline each criterion's signal is measured from (focal). */
  base: z.enum(['group', 'saturation']).default('group'),
  /** Reward direction calibration: the scale each criterion's signal is divided by (focal). */
  scale: z.enum(['group-std', 'snr', 'none']).default('group-std'),
  /** Final standardisation of the aggregate advantage (focal). */
  norm: z.enum(['batch', 'group']).default('batch'),
  /**
   * Training weights that replace the rubric's for the named criteria (criterion id -> weight, in
   * the rubric's units), in the aggregator only: evaluation and every reported rubric score keep
   * the rubric's weights, the user's statement of what matters. How a "hand-tuned" static arm
   * trains with other weights than it is judged by. Absent: train with the rubric's weights.
   */
  trainingWeights: z.record(z.string(), z.number().min(0).max(100).finite()).optional(),
});

export type MethodConfig = z.infer<typeof methodConfigSchema>;
export type MethodConfigInput = z.input<typeof methodConfigSchema>;

export function defaultMethodConfig(method: Method): MethodConfig {
  return methodConfigSchema.parse({ method });
}
