/**
 * Chart data from run records, in uPlot's column layout: `[x, y1, y2, ...]`.
 * Plain functions so that the views stay thin and the shapes are testable.
 */
import type { EvalRecord, MetricRecord } from '../../core/train/types';

export type Columns = [number[], ...(number | null)[][]];

export interface Series {
  label: string;
  columns: Columns;
}

/** Keep non-finite values out of charts (uPlot draws null as a gap). */
const finite = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

/** One line per criterion from a per-criterion vector field of the step records. */
export function perCriterion(
  metrics: readonly MetricRecord[],
  field: 'criterionMeans' | 'effectiveWeights' | 'saturation',
  count: number,
): Columns {
  const x = metrics.map((m) => m.step);
  const ys = Array.from({ length: count }, (_, k) => metrics.map((m) => finite(m[field][k])));
  return [x, ...ys];
}

export type ScalarMetric = 'rubricScore' | 'worstScore' | 'allPassRate' | 'kl' | 'entropy' | 'meanLength';

export function scalars(metrics: readonly MetricRecord[], fields: readonly ScalarMetric[]): Columns {
  return [metrics.map((m) => m.step), ...fields.map((f) => metrics.map((m) => finite(m[f])))];
}

/**
 * Several runs on one x axis: the union of their steps, each run's value where it has one and
 * null elsewhere (uPlot joins over gaps when `spanGaps` is on).
 */
export function alignRuns(runs: readonly { x: readonly number[]; y: readonly (number | null)[] }[]): Columns {
  const steps = [...new Set(runs.flatMap((r) => r.x))].sort((a, b) => a - b);
  const index = new Map(steps.map((s, i) => [s, i]));
  const ys = runs.map((r) => {
    const column: (number | null)[] = new Array(steps.length).fill(null);
    r.x.forEach((s, i) => (column[index.get(s)!] = r.y[i] ?? null));
    return column;
  });
  return [steps, ...ys];
}

export type OverlayMetric = ScalarMetric | `eval:${'rubricScore' | 'worstScore' | 'allPassRate'}`;

export function overlayOf(
  run: { metrics: readonly MetricRecord[]; evals: readonly EvalRecord[] },
  metric: OverlayMetric,
): { x: number[]; y: (number | null)[] } {
  if (metric.startsWith('eval:')) {
    const key = metric.slice(5) as 'rubricScore' | 'worstScore' | 'allPassRate';
    return { x: run.evals.map((e) => e.step), y: run.evals.map((e) => finite(e[key])) };
  }
  const key = metric as ScalarMetric;
  return { x: run.metrics.map((m) => m.step), y: run.metrics.map((m) => finite(m[key])) };
}

/**
 * At most about `4 * buckets` points per series for drawing: the steps are cut into `buckets`
 * runs of equal length, and each keeps its first and last point and, for every series, its lowest
 * and highest. The outline of the curve is kept (a spike stays a spike) while a run of 50,000
 * steps draws in a few milliseconds instead of freezing the page.
 */
export function decimate(columns: Columns, buckets: number): Columns {
  const [x, ...ys] = columns;
  const n = x.length;
  const size = Math.ceil(n / Math.max(1, buckets));
  if (size <= 2 + 2 * ys.length) return columns;
  const keep: number[] = [];
  for (let start = 0; start < n; start += size) {
    const end = Math.min(n, start + size);
    const picked = new Set<number>([start, end - 1]);
    for (const y of ys) {
      let lo = -1;
      let hi = -1;
      for (let i = start; i < end; i++) {
        const v = y[i];
        if (v === null) continue;
        if (lo < 0 || v < (y[lo] as number)) lo = i;
        if (hi < 0 || v > (y[hi] as number)) hi = i;
      }
      if (lo >= 0) picked.add(lo).add(hi);
    }
    keep.push(...[...picked].sort((a, b) => a - b));
  }
  return [keep.map((i) => x[i]), ...ys.map((y) => keep.map((i) => y[i]))];
}
