/**
 * Group and batch moments with the contract's degenerate-case rule: a zero standard deviation
 * makes the standardised term exactly 0. Population standard deviation throughout.
 * Plain loops over typed arrays: this runs every RL step.
 */

export const EPS = 1e-6;

/** Rollouts' group ids mapped to dense indices `0..count-1`, in order of first appearance. */
export interface GroupIndex {
  of: Int32Array;
  count: number;
  size: Int32Array;
}

export function indexGroups(groups: ArrayLike<number>): GroupIndex {
  const n = groups.length;
  const of = new Int32Array(n);
  const dense = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    let g = dense.get(groups[i]);
    if (g === undefined) {
      g = dense.size;
      dense.set(groups[i], g);
    }
    of[i] = g;
  }
  const size = new Int32Array(dense.size);
  for (let i = 0; i < n; i++) size[of[i]]++;
  return { of, count: dense.size, size };
}

/** Per-group mean and population std of `x`, written into `mean` and `std` (length `g.count`). */
export function groupMoments(x: Float64Array, g: GroupIndex, mean: Float64Array, std: Float64Array): void {
  const { of, count, size } = g;
  const lo = std; // reuse `std` for the minimum until the variance pass
  const hi = new Float64Array(count);
  mean.fill(0);
  lo.fill(Infinity);
  hi.fill(-Infinity);
  for (let i = 0; i < x.length; i++) {
    const j = of[i];
    const v = x[i];
    mean[j] += v;
    if (v < lo[j]) lo[j] = v;
    if (v > hi[j]) hi[j] = v;
  }
  // A constant group gets its value as the mean and std exactly 0: summing then dividing would
  // leave a rounding residue (3 x 0.1 / 3 != 0.1) that eps would turn into a tiny non-zero term.
  const constant = new Uint8Array(count);
  for (let j = 0; j < count; j++) {
    if (lo[j] === hi[j]) {
      constant[j] = 1;
      mean[j] = lo[j];
    } else mean[j] /= size[j];
  }
  std.fill(0);
  for (let i = 0; i < x.length; i++) {
    const j = of[i];
    if (constant[j]) continue;
    const d = x[i] - mean[j];
    std[j] += d * d;
  }
  for (let j = 0; j < count; j++) std[j] = constant[j] ? 0 : Math.sqrt(std[j] / size[j]);
}

/** `(x - mean_g x) / (std_g x + eps)` into `out`; 0 in groups with zero std. `out` may be `x`. */
export function standardiseInGroups(x: Float64Array, g: GroupIndex, out: Float64Array): Float64Array {
  const mean = new Float64Array(g.count);
  const std = new Float64Array(g.count);
  groupMoments(x, g, mean, std);
  for (let i = 0; i < x.length; i++) {
    const j = g.of[i];
    out[i] = std[j] === 0 ? 0 : (x[i] - mean[j]) / (std[j] + EPS);
  }
  return out;
}

/** Batch mean and population std of `x` (one group of everything), with the same exact constant case. */
export function batchMoments(x: Float64Array): { mean: number; std: number } {
  const n = x.length;
  let sum = 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    sum += v;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (n === 0) return { mean: 0, std: 0 };
  if (lo === hi) return { mean: lo, std: 0 };
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = x[i] - mean;
    ss += d * d;
  }
  return { mean, std: Math.sqrt(ss / n) };
}

/** `(x - mean_b x) / (std_b x + eps)` into `out`; all 0 when the batch is constant. `out` may be `x`. */
export function standardiseBatch(x: Float64Array, out: Float64Array): Float64Array {
  const { mean, std } = batchMoments(x);
  for (let i = 0; i < x.length; i++) out[i] = std === 0 ? 0 : (x[i] - mean) / (std + EPS);
  return out;
}
