/**
 * The score matrix `r[n,k]` as one row-major Float64Array, and the per-criterion reads the
 * aggregators share. Shape errors throw: callers with untrusted data validate first
 * (`validateAdvantageInput`).
 */

export interface ScoreMatrix {
  /** Row-major `r[n*K + k]`. */
  r: Float64Array;
  /** Rollouts. */
  n: number;
  /** Criteria. */
  k: number;
}

export function toScoreMatrix(
  scores: Float64Array | readonly (readonly number[])[],
  numCriteria: number | undefined,
): ScoreMatrix {
  if (scores instanceof Float64Array) {
    const k = numCriteria ?? 0;
    if (!Number.isInteger(k) || k < 1 || scores.length % k !== 0)
      throw new RangeError(`flat scores of length ${scores.length} do not split into rows of ${k} criteria`);
    return { r: scores, n: scores.length / k, k };
  }
  const n = scores.length;
  const k = numCriteria ?? (n > 0 ? scores[0].length : 0);
  const r = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const row = scores[i];
    if (row.length !== k) throw new RangeError(`scores row ${i} has ${row.length} scores, expected ${k}`);
    for (let j = 0; j < k; j++) r[i * k + j] = row[j];
  }
  return { r, n, k };
}

/** Column `k` of the matrix into `out` (length N). */
export function readCriterion(m: ScoreMatrix, k: number, out: Float64Array): Float64Array {
  for (let i = 0, at = k; i < m.n; i++, at += m.k) out[i] = m.r[at];
  return out;
}

/** `mean_b r_k` for every criterion. */
export function batchRates(m: ScoreMatrix): number[] {
  const sums = new Float64Array(m.k);
  for (let i = 0; i < m.n; i++) for (let j = 0, at = i * m.k; j < m.k; j++, at++) sums[j] += m.r[at];
  return Array.from(sums, (s) => (m.n > 0 ? s / m.n : 0));
}

/** Static weights normalised to sum 1. */
export function normaliseWeights(weights: readonly number[]): number[] {
  let total = 0;
  for (const w of weights) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weights must be finite and >= 0, got ${w}`);
    total += w;
  }
  if (!(total > 0) || !Number.isFinite(total)) throw new RangeError('weights need a positive, finite total');
  return weights.map((w) => w / total);
}
