/** Statistics of a step's advantages (the scores' summaries are in ../rubric/summary.ts). */

export function meanStd(values: ArrayLike<number>): { mean: number; std: number } {
  const n = values.length;
  if (n === 0) return { mean: 0, std: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i];
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(sq / n) };
}

/** Share of groups (rollouts `g*G .. g*G+G-1`) whose advantages are all zero: no learning signal. */
export function zeroSignalShare(advantages: ArrayLike<number>, groupSize: number): number {
  const groups = Math.floor(advantages.length / groupSize);
  let zero = 0;
  for (let g = 0; g < groups; g++) {
    let all = true;
    for (let i = 0; i < groupSize; i++) if (Math.abs(advantages[g * groupSize + i]) > 1e-9) all = false;
    if (all) zero++;
  }
  return groups ? zero / groups : 0;
}
