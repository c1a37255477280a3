/**
 * Reweighting by saturation, shared by sa-mrpo and focal: `w_k (1 - s_k)^gamma`, normalised.
 */

/**
 * `w~_k = w_k (1 - s_k)^gamma / sum_j w_j (1 - s_j)^gamma`. When every term is 0 (each weighted
 * criterion fully saturated) the static weights are returned: there is nothing left to focus on,
 * and the advantages of such a batch are 0 whatever the weights.
 */
export function saturationWeights(w: readonly number[], s: readonly number[], gamma: number): number[] {
  const out = new Array<number>(w.length);
  let total = 0;
  for (let k = 0; k < w.length; k++) {
    // Clamped so that a rate rounded past 1 cannot give a NaN power.
    const left = Math.min(1, Math.max(0, 1 - s[k]));
    out[k] = w[k] * Math.pow(left, gamma);
    total += out[k];
  }
  if (!(total > 0)) return w.slice();
  for (let k = 0; k < w.length; k++) out[k] /= total;
  return out;
}
