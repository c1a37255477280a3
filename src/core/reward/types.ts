/**
 * Shapes of the reward core's entry point. Plain data: the state is JSON so that it can be
 * checkpointed, put in a link, or passed through the command line.
 */
import type { MethodConfig } from './config';

/** A criterion's simulated judge: false-positive rate `a_k` and false-negative rate `b_k`. */
export interface JudgeRates {
  fp: number;
  fn: number;
}

/** What focal smooths across steps: the EMA of the projected batch rates `q_k`, before bias correction. */
export interface FocalState {
  ema: number[];
  /** Steps folded into `ema`; the bias correction divides by `1 - beta^steps`. */
  steps: number;
}

export interface AdvantageInput {
  /** `r[n,k]` in [0,1]: N rows of K scores, or a flat row-major array of N*K. */
  scores: Float64Array | readonly (readonly number[])[];
  /** K; needed only when `scores` is flat and K differs from `weights.length`. */
  numCriteria?: number;
  /** Group id of each rollout (any integers; a group is every rollout that shares an id). */
  groups: ArrayLike<number>;
  /** Static weights `w_k >= 0`, K of them, normalised inside to sum 1. */
  weights: readonly number[];
  /** Judge error rates per criterion; absent means exact rules (the projection is then the identity). */
  judge?: readonly JudgeRates[] | null;
  config: MethodConfig;
  /** Focal's state from the previous step; null or absent starts afresh. Other methods ignore it. */
  state?: FocalState | null;
}

export interface AdvantageResult {
  /** `A[n]`, one per rollout. */
  advantages: Float64Array;
  /** The weights the method actually applied, summing to 1 (see docs/algorithms.md per method). */
  weights: number[];
  /** Saturation per criterion: focal's `s_k`; the batch mean `mean_b r_k` for the others. */
  saturation: number[];
  /** Focal's state for the next step; null for the methods that smooth nothing. */
  state: FocalState | null;
}
