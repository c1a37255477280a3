/**
 * Chart data from run records, in uPlot's column layout: `[x, y1, y2, ...]`.
 * Plain functions so that the views stay thin and the shapes are testable.
 */
import type { EvalRecord, MetricRecord } from '../../core/records/types';

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

/**
 * What the compare view overlays: a scalar of the step records, an evaluation score, or one
 * criterion by id: its training-batch mean (`score:`), its effective weight (`weight:`) or its
 * held-out evaluation mean (`eval-score:`).
 */
export type OverlayMetric =
  ScalarMetric | `eval:${'rubricScore' | 'worstScore' | 'allPassRate'}` | `${CriterionOverlay}:${string}`;

const CRITERION_OVERLAYS = ['score', 'weight', 'eval-score'] as const;
export type CriterionOverlay = (typeof CRITERION_OVERLAYS)[number];

/** The criterion overlay a metric names, or null for the scalars. */
function criterionOverlay(metric: OverlayMetric): { kind: CriterionOverlay; id: string } | null {
  for (const kind of CRITERION_OVERLAYS)
    if (metric.startsWith(`${kind}:`)) return { kind, id: metric.slice(kind.length + 1) };
  return null;
}

export function overlayOf(
  run: {
    metrics: readonly MetricRecord[];
    evals: readonly EvalRecord[];
    criterionIds?: readonly string[];
  },
  metric: OverlayMetric,
): { x: number[]; y: (number | null)[] } {
  const criterion = criterionOverlay(metric);
  if (criterion) {
    // Per-criterion vectors keep a criterion's position by id; a run without it draws nothing, and
    // records from before it was added (shorter vectors) are gaps.
    const k = run.criterionIds?.indexOf(criterion.id) ?? -1;
    const records = criterion.kind === 'eval-score' ? run.evals : run.metrics;
    const field = criterion.kind === 'weight' ? 'effectiveWeights' : 'criterionMeans';
    if (k < 0) return { x: [], y: [] };
    return {
      x: records.map((r) => r.step),
      y: records.map((r) => finite((r as Partial<MetricRecord>)[field]?.[k])),
    };
  }
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

/**
 * The per-criterion overlays the runs offer: every criterion id any of them has, in first-seen
 * order, named as the first run that has it names it.
 */
export function criterionOverlayChoices(
  runs: readonly { criterionIds: readonly string[]; criterionNames: readonly string[] }[],
): { value: OverlayMetric; label: string }[] {
  const names = new Map<string, string>();
  for (const run of runs)
    run.criterionIds.forEach((id, k) => {
      if (!names.has(id)) names.set(id, run.criterionNames[k] ?? id);
    });
  return [...names].flatMap(([id, name]) => [
    { value: `score:${id}` as const, label: `${name}: score (training batch)` },
    { value: `eval-score:${id}` as const, label: `${name}: score (evaluation)` },
    { value: `weight:${id}` as const, label: `${name}: effective weight` },
  ]);
}
