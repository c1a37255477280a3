/**
 * From the dial's runs to what its results file reports, as pure functions: each run's final
 * held-out metrics and the area under its held-out rubric-score curve, per arm by seed; the gain
 * of focal over each baseline (and over each of its ablations) with a paired t interval, d_z and
 * Holm's correction over the dial's tests; and per-arm mean traces of the per-criterion held-out
 * score, effective weight and saturation.
 */
import { holm, pairedT, verdictAt } from '../experiment/paired-t';
import type { RunResult } from '../records/run-result';
import type { EvalRecord } from '../records/types';
import { DIAL_METRICS, type ArmFinals, type ArmTrace, type DialGain, type DialMetric } from './results';

/** The baselines focal is compared with, in table order; ablations are compared the same way (focal - ablation). */
export const GAIN_BASELINES: readonly string[] = [
  'static',
  'gdpo',
  'sa-mrpo',
  'worst',
  'tuned-static',
  'focal-no-ema',
  'focal-no-floor',
  'focal-calibrated',
  'focal-scale-none',
];
/** Most points kept per trace of training metrics (evaluations are all kept). */
export const TRACE_POINTS = 40;

export type RunFinal = Record<DialMetric, number> & { worstCriterion: string };

const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

/**
 * Area under a curve by the trapezoid rule, divided by the span of its steps: the curve's mean
 * height over the run, 0..1 for scores in 0..1 (a constant curve gives the constant). One point
 * gives its value; none gives NaN.
 */
export function curveArea(steps: readonly number[], values: readonly number[]): number {
  if (steps.length !== values.length) throw new RangeError('curveArea: steps and values differ in length');
  if (steps.length === 0) return Number.NaN;
  if (steps.length === 1) return values[0];
  let area = 0;
  for (let i = 1; i < steps.length; i++)
    area += ((values[i] + values[i - 1]) / 2) * (steps[i] - steps[i - 1]);
  const span = steps[steps.length - 1] - steps[0];
  return span > 0 ? area / span : values[values.length - 1];
}

/** A run's final held-out metrics, or undefined when it failed or never evaluated. */
export function runFinal(result: RunResult, lagging: string): RunFinal | undefined {
  if (result.failure || result.evals.length === 0) return undefined;
  const last: EvalRecord = result.evals[result.evals.length - 1];
  const k = result.criterionIds.indexOf(lagging);
  let worstCriterion = '';
  let lowest = Infinity;
  last.criterionMeans.forEach((m, i) => {
    if (Number.isFinite(m) && m < lowest) [lowest, worstCriterion] = [m, result.criterionIds[i]];
  });
  return {
    rubric: last.rubricScore,
    worst: last.worstScore,
    lagging: k < 0 ? Number.NaN : last.criterionMeans[k],
    allPass: last.allPassRate,
    auc: curveArea(
      result.evals.map((e) => e.step),
      result.evals.map((e) => e.rubricScore),
    ),
    worstCriterion,
  };
}

/** One arm's finals in the order of `seeds` (null where a seed has no result). */
export function armFinals(
  results: readonly RunResult[],
  arm: string,
  seeds: readonly number[],
  lagging: string,
): ArmFinals {
  const finals = seeds.map((seed) => {
    const run = results.find((r) => r.variant === arm && r.seed === seed);
    return run ? runFinal(run, lagging) : undefined;
  });
  const column = (metric: DialMetric) => finals.map((f) => (f ? finite(f[metric]) : null));
  return {
    arm,
    rubric: column('rubric'),
    worst: column('worst'),
    lagging: column('lagging'),
    allPass: column('allPass'),
    auc: column('auc'),
    worstCriterion: finals.map((f) => (f ? f.worstCriterion || null : null)),
    seconds: seeds.map((seed) => {
      const run = results.find((r) => r.variant === arm && r.seed === seed);
      return run ? run.seconds : null;
    }),
    failures: results
      .filter((r) => r.variant === arm && r.failure && seeds.includes(r.seed))
      .map((r) => ({ seed: r.seed, reason: r.failure?.reason ?? '' })),
  };
}

/** candidate - baseline on every seed where both have a value, in seed order. */
export function seedDiffs(
  candidate: readonly (number | null)[],
  baseline: readonly (number | null)[],
): number[] {
  const diffs: number[] = [];
  candidate.forEach((c, i) => {
    const b = baseline[i];
    if (c !== null && b !== null && b !== undefined) diffs.push(c - b);
  });
  return diffs;
}

/**
 * The gain of `candidate` over each baseline arm present, on every metric, as uncorrected paired
 * t tests (`pHolm` null, verdict by the uncorrected p): `withHolm` corrects them over the family.
 */
export function gainsOf(
  arms: readonly ArmFinals[],
  candidate = 'focal',
  baselines: readonly string[] = GAIN_BASELINES,
): DialGain[] {
  const own = arms.find((a) => a.arm === candidate);
  if (!own) return [];
  return DIAL_METRICS.flatMap((metric) =>
    baselines.flatMap((baseline): DialGain[] => {
      const other = arms.find((a) => a.arm === baseline);
      if (!other || baseline === candidate) return [];
      const test = pairedT(seedDiffs(own[metric], other[metric]));
      return [
        {
          metric,
          candidate,
          baseline,
          n: test.n,
          mean: finite(test.mean),
          sd: finite(test.sd),
          low: finite(test.low),
          high: finite(test.high),
          t: finite(test.t),
          p: finite(test.p),
          pHolm: null,
          dz: finite(test.dz),
          verdict: verdictAt(test, test.p),
        },
      ];
    }),
  );
}

/**
 * Holm's correction over the dial's family: every gain on the same metric (all points, sizes and
 * baselines together), the verdict then read at the corrected p. Returns new gain lists in the
 * same shape as given.
 */
export function withHolm(families: readonly (readonly DialGain[])[]): DialGain[][] {
  const out = families.map((gains) => gains.map((g) => ({ ...g })));
  for (const metric of DIAL_METRICS) {
    const members = out.flatMap((gains) => gains.filter((g) => g.metric === metric));
    const adjusted = holm(members.map((g) => g.p ?? Number.NaN));
    members.forEach((g, i) => {
      g.pHolm = finite(adjusted[i]);
      g.verdict = verdictAt({ n: g.n, mean: g.mean ?? Number.NaN }, adjusted[i]);
    });
  }
  return out;
}

/** Every `ceil(n / max)`-th index, and the last. */
function thinned(n: number, max: number): number[] {
  const every = Math.max(1, Math.ceil(n / max));
  return Array.from({ length: n }, (_, i) => i).filter((i) => (i + 1) % every === 0 || i === n - 1);
}

/** Mean over the runs that have a finite value at (row, k). */
function meanOver(rows: readonly (readonly number[] | undefined)[], k: number): number | null {
  let sum = 0;
  let count = 0;
  for (const row of rows) {
    const v = row?.[k];
    if (v !== undefined && Number.isFinite(v)) {
      sum += v;
      count++;
    }
  }
  return count > 0 ? sum / count : null;
}

/**
 * One arm's mean traces over its runs, per criterion in `criterionIds` order: held-out score at
 * every evaluation step, effective weight and saturation at most `maxPoints` training steps.
 */
export function armTrace(
  results: readonly RunResult[],
  arm: string,
  criterionIds: readonly string[],
  maxPoints = TRACE_POINTS,
): ArmTrace {
  const runs = results.filter((r) => r.variant === arm && r.evals.length > 0);
  const evalSteps = [...new Set(runs.flatMap((r) => r.evals.map((e) => e.step)))].sort((a, b) => a - b);
  const metricSteps = [...new Set(runs.flatMap((r) => r.metrics.map((m) => m.step)))].sort((a, b) => a - b);
  const steps = thinned(metricSteps.length, maxPoints).map((i) => metricSteps[i]);
  const position = (run: RunResult, id: string) => run.criterionIds.indexOf(id);
  const evalAt = (run: RunResult, step: number) => run.evals.find((e) => e.step === step);
  const metricAt = (run: RunResult, step: number) => run.metrics.find((m) => m.step === step);
  const perCriterion = (
    at: readonly number[],
    read: (run: RunResult, step: number, k: number) => number | undefined,
  ): (number | null)[][] =>
    criterionIds.map((id) =>
      at.map((step) =>
        meanOver(
          runs.map((run) => {
            const k = position(run, id);
            const v = k < 0 ? undefined : read(run, step, k);
            return v === undefined ? undefined : [v];
          }),
          0,
        ),
      ),
    );
  return {
    arm,
    evalSteps,
    rubric: evalSteps.map((step) =>
      meanOver(
        runs.map((run) => {
          const e = evalAt(run, step);
          return e ? [e.rubricScore] : undefined;
        }),
        0,
      ),
    ),
    heldOut: perCriterion(evalSteps, (run, step, k) => evalAt(run, step)?.criterionMeans[k]),
    steps,
    weight: perCriterion(steps, (run, step, k) => metricAt(run, step)?.effectiveWeights[k]),
    saturation: perCriterion(steps, (run, step, k) => metricAt(run, step)?.saturation[k]),
  };
}

/** The starting policy's held-out pass rate of the lagging criterion: step-0 evaluations, mean over runs. */
export function startRate(results: readonly RunResult[], lagging: string): number | null {
  return meanOver(
    results.map((run) => {
      const first = run.evals.find((e) => e.step === 0);
      const k = run.criterionIds.indexOf(lagging);
      if (!first || k < 0) return undefined;
      return [(first.criterionPassRates ?? first.criterionMeans)[k]];
    }),
    0,
  );
}
