/**
 * The single definition of "pass", used by the all-pass rate and every per-criterion pass count.
 */

/** Graded scores computed in floating point may land a hair below 1; they still pass. */
export const PASS_TOLERANCE = 1e-9;

/** A criterion is passed when its score is 1 (up to rounding). */
export function passes(score: number): boolean {
  return score >= 1 - PASS_TOLERANCE;
}
