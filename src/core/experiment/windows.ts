/**
 * What happened during a variant's runs, per criterion: the training batches' criterion means and
 * the aggregator's effective weights, averaged over windows of steps and over seeds. The final
 * evaluation says where a method ends; the windows say how it got there (which criterion rose
 * first, which one fell while the others were learned, where the weight went).
 */
import type { MetricRecord } from '../train/types';

export interface StepWindow {
  /** The window's last step: the window holds steps (lastStep - size, lastStep]. */
  lastStep: number;
  /** Per criterion, the mean of the training batches' criterion means in the window (NaN if none). */
  criterionMeans: number[];
  /** Per criterion, the mean effective weight in the window (NaN if none). */
  effectiveWeights: number[];
}

function meanOf(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? NaN : finite.reduce((a, b) => a + b, 0) / finite.length;
}

/**
 * Windows of `size` steps, from step 1 to the last recorded step, over the runs of one variant
 * (their records pooled: every recorded step of every run in the window counts once). Runs of one
 * variant share a rubric, so `criteria` is the count of every run's vectors. A run that failed
 * early contributes the steps it recorded. Compact results files keep at most 100 records per
 * run; the windows then average what was kept.
 */
export function stepWindows(
  runs: readonly { metrics: readonly MetricRecord[] }[],
  criteria: number,
  size: number,
): StepWindow[] {
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`window size must be a whole number >= 1, got ${size}`);
  const last = Math.max(0, ...runs.flatMap((r) => r.metrics.map((m) => m.step)));
  const windows: StepWindow[] = [];
  for (let end = size; end - size < last; end += size) {
    const inWindow = runs.flatMap((r) => r.metrics.filter((m) => m.step > end - size && m.step <= end));
    const per = (field: 'criterionMeans' | 'effectiveWeights') =>
      Array.from({ length: criteria }, (_, k) => meanOf(inWindow.map((m) => m[field][k])));
    windows.push({
      lastStep: Math.min(end, last),
      criterionMeans: per('criterionMeans'),
      effectiveWeights: per('effectiveWeights'),
    });
  }
  return windows;
}
