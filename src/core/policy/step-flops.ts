/**
 * The floating-point work of one RL step, counted from the shapes: the dense products (2 M N K
 * each) and attention's two products per layer, which dominate; layer norms, softmaxes, the loss
 * and Adam are left out. It is the step's nominal work, the same for every engine and backend (and
 * for the JAX peer, which runs the same shapes): every rollout at every position, every row of the
 * update, causal attention counting only the pairs (i, j <= i) it needs. An engine that skips rows
 * (finished rollouts in the sampler, the rows after a sequence's last target in the update) does
 * less than this; GFLOP/s from it measure the step, not the kernels.
 */
import type { PolicyDims } from './param-table';

export interface StepShape {
  dims: PolicyDims;
  /** V. */
  vocabSize: number;
  /** Rollouts per step (N = B G). */
  rollouts: number;
  /** P: prompt tokens per rollout. */
  promptLength: number;
  /** Tokens sampled per rollout (T = P + maxNew). */
  maxNew: number;
  /** Update passes over the rollouts. */
  mu: number;
}

/** Floating-point operations of one step: sampling, the reference's forward, mu forward + backward passes. */
export function stepFlops(shape: StepShape): number {
  const { dModel: D, nLayers: L, dMlp: F } = shape.dims;
  const { vocabSize: V, rollouts: N, promptLength: P, maxNew } = shape;
  // Each rollout feeds positions 0 .. T - 2 to the model; the update scores the same S rows.
  const S = P + maxNew - 1;
  // Per row and layer: q, k, v and the output projection (D x D each), the MLP's two (D x F).
  const layerRow = 2 * (4 * D * D + 2 * D * F);
  // Per sequence and layer: scores and the weighted values, 2 D (i + 1) each for row i.
  const attention = 2 * D * S * (S + 1);
  const forward = N * (S * L * layerRow + L * attention + S * 2 * D * V);
  // The sampler runs the same layers once per position; the head only where a token is drawn.
  const sampling = N * (S * L * layerRow + L * attention + maxNew * 2 * D * V);
  // Backward: each product gives two (the input's gradient and the weight's), attention's four.
  return sampling + forward + shape.mu * 3 * forward;
}
