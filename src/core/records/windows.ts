/**
 * What happened during a variant's runs, per criterion: the training batches' criterion means and
 * the aggregator's effective weights, averaged over windows of steps and over seeds (`stepWindows`,
 * for `lab compare`), or as mean and std over seeds (`windowedBand`, for the paper's curves). The final
 * evaluation says where a method ends; the windows say how it got there (which criterion rose
 * first, which one fell while the others were learned, where the weight went).
 */
import type { MetricRecord } from './types';
import { summarise } from '../experiment/compare';

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

/**
 * About `points` windows of equal length over the records every run has (the shortest run's
 * length), by record index: the paper's compact curves, where every run of a cell has the same
 * steps. `lastStep` is the first run's step at the window's end.
 */
export function seedWindows(
  runs: readonly { metrics: readonly MetricRecord[] }[],
  points: number,
): { start: number; end: number; lastStep: number }[] {
  const length = Math.min(...runs.map((r) => r.metrics.length));
  const window = Math.max(1, Math.ceil(length / points));
  const windows = [];
  for (let start = 0; start < length; start += window) {
    const end = Math.min(length, start + window);
    windows.push({ start, end, lastStep: runs[0].metrics[end - 1].step });
  }
  return windows;
}

/**
 * Mean and std over seeds of one per-step value on `seedWindows` (each seed's window mean first,
 * then across seeds), rounded to `digits`. Null when a window has no finite value in some run (a
 * criterion switched off).
 */
export function windowedBand(
  runs: readonly { metrics: readonly MetricRecord[] }[],
  points: number,
  value: (m: MetricRecord) => number,
  digits: number,
): { steps: number[]; mean: number[]; std: number[] } | null {
  const round = (x: number) => Number(x.toFixed(digits));
  const steps: number[] = [];
  const mean: number[] = [];
  const std: number[] = [];
  for (const { start, end, lastStep } of seedWindows(runs, points)) {
    const perSeed = runs.map((r) => {
      let sum = 0;
      for (let i = start; i < end; i++) sum += value(r.metrics[i]);
      return sum / (end - start);
    });
    if (!perSeed.every(Number.isFinite)) return null;
    const s = summarise(perSeed);
    steps.push(lastStep);
    mean.push(round(s.mean));
    std.push(round(s.std));
  }
  return { steps, mean, std };
}
