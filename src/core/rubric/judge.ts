/**
 * The simulated judge: a noisy reader of each criterion's verdict, as an LLM judge would be.
 *
 * For criterion k with false-positive rate a and false-negative rate b, a rollout with exact score
 * s is read as a pass/fail verdict: latent pass with probability s (s is 0 or 1 for a binary
 * criterion), then a failing verdict flips to pass with probability a and a passing one to fail
 * with probability b. Both steps fold into one draw: observed pass with probability
 * `s (1 - b) + (1 - s) a`, so E[observed] = a + (1 - a - b) s, the projection that focal inverts.
 * A criterion with a = b = 0 keeps its exact (possibly graded) scores and consumes no draws.
 */
import type { Rng } from '../random/rng';
import type { Judge } from './schema';

/**
 * Returns judged scores (0/1 for noisy criteria) for exact scores `r` (row-major N x K, K =
 * `judges.length`). Draws are made row-major, one per (n, k) with a nonzero rate, from `rng`
 * (the run's `judge` stream), so one seed gives one sequence of verdicts.
 */
export function applyJudge(scores: Float64Array, judges: readonly Judge[], rng: Rng): Float64Array {
  const K = judges.length;
  if (K === 0 ? scores.length !== 0 : scores.length % K !== 0)
    throw new Error(`applyJudge: ${scores.length} scores do not split into rows of ${K} criteria`);
  const out = Float64Array.from(scores);
  const noisy = judges.map((j) => j.fp > 0 || j.fn > 0);
  if (!noisy.some(Boolean)) return out;
  const N = K === 0 ? 0 : scores.length / K;
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      if (!noisy[k]) continue;
      const { fp, fn } = judges[k];
      const s = Math.min(1, Math.max(0, scores[n * K + k]));
      const passProbability = s * (1 - fn) + (1 - s) * fp;
      out[n * K + k] = rng.next() < passProbability ? 1 : 0;
    }
  }
  return out;
}
