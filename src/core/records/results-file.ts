/**
 * The results file the command line writes (`run --out`, `compare --out`) and that `compare` and
 * the app's import read back: the experiment and every run's records, in full or compact form.
 * Compact keeps every evaluation and a thinned metric series (at most `COMPACT_METRIC_POINTS`
 * records per run, the last always kept): the table and the curves' shape survive, the size does
 * not. Gzip is a matter of bytes, left to the reader and writer (Node's zlib, the browser's
 * DecompressionStream); `isGzip` tells them apart.
 */
import { z } from 'zod';
import { parseConfig, parseExperiment } from '../experiment/resolve';
import { rawProblems } from '../input/raw';
import type { Experiment } from '../experiment/schema';
import { problemsOf, type Parsed, type Problem } from '../validation';
import { evalRecordSchema, metricRecordSchema, runConfigSchema } from './schema';
import type { RunResult } from './run-result';
import type { MetricRecord } from './types';

export const RESULTS_FORMAT = 'focal-lab-results';
export const RESULTS_VERSION = 1;
export const COMPACT_METRIC_POINTS = 100;

export type ResultsForm = 'full' | 'compact';

export interface ResultsFile {
  format: typeof RESULTS_FORMAT;
  version: typeof RESULTS_VERSION;
  /** `compact`: metric records thinned to at most `COMPACT_METRIC_POINTS` per run. */
  form: ResultsForm;
  experiment: Experiment;
  results: RunResult[];
}

/** Every `ceil(n / maxPoints)`-th record, and the last: an even thinning that keeps the end. */
export function thinMetrics(
  metrics: readonly MetricRecord[],
  maxPoints = COMPACT_METRIC_POINTS,
): MetricRecord[] {
  if (metrics.length <= maxPoints) return [...metrics];
  const every = Math.ceil(metrics.length / maxPoints);
  return metrics.filter((_, i) => (i + 1) % every === 0 || i === metrics.length - 1);
}

export function resultsFile(
  experiment: Experiment,
  results: readonly RunResult[],
  form: ResultsForm,
): ResultsFile {
  return {
    format: RESULTS_FORMAT,
    version: RESULTS_VERSION,
    form,
    experiment,
    results:
      form === 'compact' ? results.map((r) => ({ ...r, metrics: thinMetrics(r.metrics) })) : [...results],
  };
}

/** Gzip's magic number: how a reader knows compressed bytes whatever the file is called. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const runResultSchema = z.strictObject({
  variant: z.string().min(1).max(200),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1),
  backend: z.string().max(40),
  config: runConfigSchema,
  criterionIds: z.array(z.string().max(40)).max(64),
  criterionNames: z.array(z.string().max(60)).max(64),
  metrics: z.array(metricRecordSchema).max(200_000),
  evals: z.array(evalRecordSchema).max(100_000),
  seconds: z.number().min(0),
  failure: z
    .strictObject({ step: z.number().int().min(0).nullable(), reason: z.string().max(2000) })
    .optional(),
});

const resultsSchema = z.strictObject({
  format: z.literal(RESULTS_FORMAT),
  version: z.literal(RESULTS_VERSION),
  form: z.enum(['full', 'compact']),
  experiment: z.unknown(),
  results: z.array(runResultSchema).max(10_000),
});

function isObject(data: unknown): data is Record<string, unknown> {
  return typeof data === 'object' && data !== null && !Array.isArray(data);
}

/** Whether `data` looks like a results file (this format, or the unversioned one written before it). */
export function looksLikeResults(data: unknown): boolean {
  if (!isObject(data)) return false;
  if (data.format === RESULTS_FORMAT) return true;
  return 'experiment' in data && (Array.isArray(data.results) || ('metrics' in data && 'evals' in data));
}

/**
 * A results file, validated; every problem with its path. Also reads the unversioned files written
 * before the format had a name: `{ experiment, results }` (compare) and `{ experiment, ...result }`
 * (run).
 */
export function parseResultsFile(data: unknown): Parsed<ResultsFile> {
  if (!isObject(data))
    return { ok: false, problems: [{ path: '', message: 'not a results file (an object)' }] };
  let input: unknown = data;
  if (data.format === undefined) {
    const { experiment, results, ...single } = data;
    input = {
      format: RESULTS_FORMAT,
      version: RESULTS_VERSION,
      form: 'full',
      experiment,
      results: Array.isArray(results) ? results : [single],
    };
  }
  // Depth and special keys first; records may hold NaN (written as null), so numbers are left to
  // the schemas below.
  const raw = rawProblems(input, { numbers: false });
  if (raw.length > 0) return { ok: false, problems: raw };
  const parsed = resultsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsOf(parsed.error) };
  const prefixed = (prefix: string, problems: readonly Problem[]) =>
    problems.map((p) => ({ path: prefix + p.path, message: p.message }));
  const experiment = parseExperiment(parsed.data.experiment);
  if (!experiment.ok) return { ok: false, problems: prefixed('experiment.', experiment.problems) };
  // Each run's configuration as an experiment's (task, rubric); 0 steps (evaluate only) allowed.
  const configs = parsed.data.results.flatMap((r, i) => {
    const config = parseConfig({ ...r.config, steps: Math.max(1, r.config.steps) });
    return config.ok ? [] : prefixed(`results.${i}.config.`, config.problems);
  });
  if (configs.length > 0) return { ok: false, problems: configs };
  return {
    ok: true,
    value: { ...parsed.data, experiment: experiment.value, results: parsed.data.results as RunResult[] },
  };
}
