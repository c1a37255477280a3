/**
 * A run's records: one metric record per RL step and one evaluation record per evaluation. Plain
 * data, so that records cross the worker boundary, go into results files and into IndexedDB
 * unchanged.
 */

export interface MetricRecord {
  step: number;
  /**
   * Per-criterion vectors below have one entry per criterion of the run's rubric, in rubric order
   * (`RunTrainer.criterionIds`); a criterion switched off has NaN there.
   */
  /** Mean observed (judged) score per criterion. */
  criterionMeans: number[];
  /** The aggregator's effective weights (focal: the coefficients alpha). */
  effectiveWeights: number[];
  /** The aggregator's saturation estimate per criterion. */
  saturation: number[];
  /** sum_k w_k * mean score, with the user's static weights. */
  rubricScore: number;
  worstScore: number;
  allPassRate: number;
  kl: number;
  entropy: number;
  loss: number;
  clipFraction: number;
  gradNorm: number;
  advantageMean: number;
  advantageStd: number;
  /** Share of groups whose aggregate advantage is zero for every rollout (no learning signal). */
  zeroStdShare: number;
  /** Mean generated length in words. */
  meanLength: number;
  msSample: number;
  msScore: number;
  msUpdate: number;
}

export interface EvalRecord {
  step: number;
  /** Per-criterion mean with the exact rule (no judge noise), on held-out prompts. */
  criterionMeans: number[];
  rubricScore: number;
  worstScore: number;
  allPassRate: number;
  spread: number;
  samples: number;
  /**
   * Per-criterion share of samples that pass (score 1), in the same positions as
   * `criterionMeans`. Absent in records saved before it was measured.
   */
  criterionPassRates?: number[];
}
