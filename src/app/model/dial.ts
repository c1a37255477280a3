/**
 * The Dial tab's data: the results that `lab dial` writes (shipped as public/paper/dial.json,
 * plain or gzipped), fetched and validated by the dial's own schema, and what the tab shows of
 * them: per dial, the gain of focal over each chosen baseline at each of the dial's values, the
 * rows of its table, a point's focal traces and the experiment that re-runs it.
 */
import { gunzipBounded } from '../../web/gunzip';
import {
  parseDialResults,
  type DialGain,
  type DialId,
  type DialMetric,
  type DialPoint,
  type DialResults,
  type DialSizeResult,
} from '../../core/dial/results';
import { isGzip } from '../../core/records/results-file';
import type { Experiment } from '../../core/experiment/schema';
import type { Parsed } from '../../core/validation';
import type { MethodCurve } from './paper';

/** Where the results lie, relative to the page (as the paper's results). */
export const DIAL_RESULTS_PATH = 'paper/dial.json';
/** Beyond this a file is refused rather than unpacked (traces make the file large, never this large). */
export const MAX_DIAL_BYTES = 64 * 1024 * 1024;

export const DIAL_METRIC_LABELS: Record<DialMetric, string> = {
  rubric: 'rubric score',
  worst: 'worst criterion',
  lagging: 'lagging criterion',
  allPass: 'all-pass rate',
  auc: 'area under the held-out rubric-score curve',
};

const refused = (message: string): Parsed<DialResults> => ({
  ok: false,
  problems: [{ path: '', message: `${DIAL_RESULTS_PATH}: ${message}` }],
});

/**
 * Reads the shipped dial results: the bytes as served (gzip unpacked here, since a server may or
 * may not say it is gzip), JSON, then `parseDialResults`. Every refusal names the file and what
 * was wrong, with the field's path where the schema refused it.
 */
export async function loadDialResults(base: string): Promise<Parsed<DialResults>> {
  let bytes: Uint8Array;
  try {
    const response = await fetch(new URL(DIAL_RESULTS_PATH, base));
    if (response.status === 404)
      return refused('not found (HTTP 404): no dial results have been shipped with this build');
    if (!response.ok) return refused(`HTTP ${response.status}`);
    // A single-page server (vite preview among them) answers a missing file with the app's page.
    if (response.headers.get('content-type')?.includes('text/html'))
      return refused(
        'not found: the server answered with a web page, so no dial results have been shipped with this build',
      );
    bytes = new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    return refused(error instanceof Error ? error.message : String(error));
  }
  if (bytes.length > MAX_DIAL_BYTES) return refused(`larger than ${MAX_DIAL_BYTES} bytes`);
  if (isGzip(bytes)) {
    const unpacked = await gunzipBounded(bytes, MAX_DIAL_BYTES);
    if (typeof unpacked === 'string') return refused(unpacked);
    bytes = unpacked;
  }
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    return refused(`not JSON (${error instanceof Error ? error.message : error})`);
  }
  const parsed = parseDialResults(data);
  return parsed.ok
    ? parsed
    : {
        ok: false,
        problems: parsed.problems.map((p) => ({ ...p, path: `${DIAL_RESULTS_PATH}: ${p.path}` })),
      };
}

/** The arm whose gains the tab plots: `focal` where the file has it, else the first candidate of its gains. */
export function candidateOf(results: DialResults): string | null {
  const candidates = new Set(
    results.points.flatMap((p) => p.sizes.flatMap((s) => s.gains.map((g) => g.candidate))),
  );
  return candidates.has('focal') ? 'focal' : ([...candidates][0] ?? null);
}

/** The baselines the candidate is compared with somewhere in the file, in the file's arm order. */
export function baselinesOf(results: DialResults, candidate: string): string[] {
  const seen = new Set(
    results.points.flatMap((p) =>
      p.sizes.flatMap((s) => s.gains.filter((g) => g.candidate === candidate).map((g) => g.baseline)),
    ),
  );
  return results.arms.map((a) => a.id).filter((id) => seen.has(id));
}

/**
 * The baselines shown at first: the other methods (static, gdpo, sa-mrpo, worst, tuned static);
 * focal's ablations, being focal too, stay a click away. All of them where every arm is focal.
 */
export function defaultBaselines(results: DialResults, candidate: string): string[] {
  const method = results.arms.find((a) => a.id === candidate)?.method;
  const all = baselinesOf(results, candidate);
  const others = all.filter((b) => results.arms.find((a) => a.id === b)?.method !== method);
  return others.length > 0 ? others : all;
}

export function armLabel(results: DialResults, arm: string): string {
  return results.arms.find((a) => a.id === arm)?.label ?? arm;
}

/** A dial value as the axis and table print it: rates and shares in percent, conflict and counts as they are. */
export function valueText(dial: DialId, value: number | string): string {
  if (typeof value === 'string') return value;
  return dial === 'baseRate' || dial === 'weightShare' ? `${+(value * 100).toFixed(1)}%` : String(value);
}

export function pointOf(results: DialResults, id: string): DialPoint | undefined {
  return results.points.find((p) => p.id === id);
}

export function sizeOf(point: DialPoint | undefined, size: string): DialSizeResult | undefined {
  return point?.sizes.find((s) => s.size === size);
}

/** Which of the dial's values is the centre (the point every dial shares), 0 where none is. */
export function centreIndex(results: DialResults, dial: DialId): number {
  const c = results.centre;
  const i = (results.dials.find((d) => d.id === dial)?.values ?? []).findIndex((v) => {
    const s = pointOf(results, v.point)?.setting;
    return (
      s !== undefined &&
      s.baseRate === c.baseRate &&
      s.weightShare === c.weightShare &&
      s.conflict === c.conflict &&
      s.criteria === c.criteria
    );
  });
  return Math.max(0, i);
}

/** One gain at one dial value, or null where the file has none (or its mean is undefined). */
export interface GainPoint {
  mean: number;
  /** The interval's ends; null where it is undefined (fewer than two seeds). */
  low: number | null;
  high: number | null;
}

export interface GainSeries {
  baseline: string;
  label: string;
  /** One per dial value, in the dial's order. */
  gains: (GainPoint | null)[];
}

export interface DialChart {
  /** The dial's values as printed, in order (the x axis is ordinal: the values are not evenly spaced). */
  values: string[];
  series: GainSeries[];
}

export interface DialSelection {
  dial: DialId;
  size: string;
  metric: DialMetric;
  baselines: readonly string[];
  candidate: string;
}

function gainAt(size: DialSizeResult | undefined, s: DialSelection, baseline: string): DialGain | undefined {
  return size?.gains.find(
    (g) => g.metric === s.metric && g.candidate === s.candidate && g.baseline === baseline,
  );
}

/** The chosen dial's points in order, with each value's printed form. */
function dialPoints(results: DialResults, s: DialSelection) {
  const dial = results.dials.find((d) => d.id === s.dial);
  return (dial?.values ?? []).map((v) => ({
    value: valueText(s.dial, v.value),
    point: v.point,
    size: sizeOf(pointOf(results, v.point), s.size),
  }));
}

/** The plot's data: per chosen baseline, the candidate's gain at each value of the dial. */
export function dialChart(results: DialResults, s: DialSelection): DialChart {
  const points = dialPoints(results, s);
  return {
    values: points.map((p) => p.value),
    series: s.baselines.map((baseline) => ({
      baseline,
      label: armLabel(results, baseline),
      gains: points.map(({ size }) => {
        const g = gainAt(size, s, baseline);
        return g && g.mean !== null ? { mean: g.mean, low: g.low, high: g.high } : null;
      }),
    })),
  };
}

export interface DialRow {
  value: string;
  point: string;
  baseline: string;
  /** The gain's numbers as the table prints them ("—" where undefined or absent). */
  gain: string;
  interval: string;
  dz: string;
  pHolm: string;
  verdict: 'win' | 'loss' | 'undecided' | null;
  n: number;
}

/** "+0.012", "-0.004"; a difference that rounds to 0 prints "+0.000", never "-0.000". */
const signed = (x: number | null | undefined): string => {
  if (x === null || x === undefined) return '—';
  const rounded = Math.abs(x) < 0.0005 ? 0 : x;
  return `${rounded >= 0 ? '+' : ''}${rounded.toFixed(3)}`;
};
const pText = (p: number | null | undefined): string =>
  p === null || p === undefined ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3);

/** The table beside the plot: one row per dial value and chosen baseline, absent gains included as "—". */
export function dialRows(results: DialResults, s: DialSelection): DialRow[] {
  return dialPoints(results, s).flatMap(({ value, point, size }) =>
    s.baselines.map((baseline) => {
      const g = gainAt(size, s, baseline);
      return {
        value,
        point,
        baseline: armLabel(results, baseline),
        gain: signed(g?.mean),
        interval: g ? `[${signed(g.low)}, ${signed(g.high)}]` : '—',
        dz: g?.dz === null || g?.dz === undefined ? '—' : g.dz.toFixed(2),
        pHolm: pText(g?.pHolm),
        verdict: g?.verdict ?? null,
        n: g?.n ?? 0,
      };
    }),
  );
}

/**
 * The candidate's per-criterion traces at one point and size, as curves for the paper's curve
 * drawing (one curve per criterion, no band: the file keeps means only); null where it has none.
 */
export function focalTraces(
  point: DialPoint,
  size: DialSizeResult | undefined,
  arm: string,
): { weight: MethodCurve[]; saturation: MethodCurve[] } | null {
  const trace = size?.traces.find((t) => t.arm === arm);
  if (!trace || trace.steps.length === 0) return null;
  const curves = (rows: (number | null)[][]): MethodCurve[] =>
    point.rubric.criteria.map((c, k) => {
      // A step the file has no value for is left out of the line rather than drawn at 0.
      const kept = trace.steps.flatMap((step, j) => {
        const v = rows[k]?.[j];
        return v === null || v === undefined ? [] : [{ step, v }];
      });
      return {
        method: c.name,
        steps: kept.map((x) => x.step),
        mean: kept.map((x) => x.v),
        std: kept.map(() => 0),
      };
    });
  return { weight: curves(trace.weight), saturation: curves(trace.saturation) };
}

/** The experiment that re-runs the point at that size, as a plain object for the share-link path. */
export function pointExperiment(size: DialSizeResult): Experiment {
  return structuredClone(size.experiment);
}
