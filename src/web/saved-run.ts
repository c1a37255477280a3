/**
 * A run as it is saved (IndexedDB) and exported/imported (JSON): its spec, what it reported and
 * how it ended. An import goes through the same path as any input from outside: strict UTF-8,
 * raw checks (depth, special keys), this schema, and the run's config through `parseConfig` (the
 * experiment's schema and checks). The recorded metrics are data, not settings: extra keys in a
 * record are dropped rather than refused, so that a file from a newer version still imports.
 */
import { z } from 'zod';
import type { RunStatus, RunView } from '../core/records/run';
import { BACKENDS } from '../core/experiment/schema';
import { parseConfig, parseExperiment } from '../core/experiment/resolve';
import type { Experiment } from '../core/experiment/schema';
import { rawProblems } from '../core/input/raw';
import { parseJsonBytes } from '../core/input/text';
import { parseWith, type Parsed, type Problem } from '../core/validation';
import { evalRecordSchema, metricRecordSchema, runConfigSchema } from '../core/records/schema';
import { looksLikeResults, parseResultsFile, type ResultsFile } from '../core/records/results-file';
import type { RunResult } from '../core/records/run-result';

export const SAVED_RUN_FORMAT = 'focal-lab-run';
export const SAVED_RUN_VERSION = 1;

const STATUSES = ['queued', 'starting', 'ready', 'running', 'paused', 'done', 'stopped', 'failed'] as const;

export const savedRunSchema = z.strictObject({
  format: z.literal(SAVED_RUN_FORMAT),
  version: z.literal(SAVED_RUN_VERSION),
  savedAt: z.string().max(40),
  spec: z.strictObject({
    id: z.string().min(1).max(80),
    name: z.string().max(200),
    config: runConfigSchema,
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1),
    backend: z.enum(BACKENDS),
    backendOrder: z
      .array(z.enum(['webgpu', 'webgl', 'wasm', 'cpu']))
      .max(4)
      .optional(),
  }),
  status: z.enum(STATUSES),
  reason: z.string().max(2000).nullable(),
  backend: z
    .strictObject({
      name: z.string().max(40),
      fallbacks: z.array(z.string().max(500)).max(10),
      threads: z.number().int().min(1).max(1024).optional(),
      simd: z.boolean().optional(),
      isolated: z.boolean().optional(),
      engine: z.enum(['tfjs', 'webgpu-fused', 'wasm-fused']).optional(),
      kernelThreads: z.number().int().min(1).max(1024).optional(),
    })
    .nullable(),
  criterionIds: z.array(z.string().max(40)).max(16),
  criterionNames: z.array(z.string().max(60)).max(16),
  metrics: z.array(metricRecordSchema).max(200_000),
  evals: z.array(evalRecordSchema).max(100_000),
});

export type SavedRun = z.infer<typeof savedRunSchema>;

const LIVE: readonly RunStatus[] = ['queued', 'starting', 'ready', 'running'];

export function toSavedRun(view: RunView, savedAt = new Date().toISOString()): SavedRun {
  return {
    format: SAVED_RUN_FORMAT,
    version: SAVED_RUN_VERSION,
    savedAt,
    spec: view.spec,
    status: view.status,
    reason: view.reason,
    backend: view.backend,
    criterionIds: view.criterionIds,
    criterionNames: view.criterionNames,
    metrics: view.metrics,
    evals: view.evals,
  };
}

/** A saved run as the run list shows it: a run that was live when saved is now stopped. */
export function fromSavedRun(saved: SavedRun): RunView {
  const last = saved.metrics.at(-1)?.step ?? 0;
  const interrupted = LIVE.includes(saved.status);
  return {
    spec: saved.spec,
    status: interrupted ? 'stopped' : saved.status,
    reason: interrupted ? `interrupted by a page reload at step ${last}; its curves are kept` : saved.reason,
    backend: saved.backend,
    criterionIds: saved.criterionIds,
    criterionNames: saved.criterionNames,
    metrics: saved.metrics,
    evals: saved.evals,
    checkpointStep: null,
  };
}

/** A short fingerprint of a run's evaluations, so that two results files' runs get distinct ids. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** One run of a command-line results file, as the run list keeps it: done, or failed with its reason. */
export function fromRunResult(
  file: ResultsFile,
  result: RunResult,
  savedAt = new Date().toISOString(),
): SavedRun {
  const name = file.experiment.variants.length === 0 ? file.experiment.name : result.variant;
  const id = `cli:${fingerprint(JSON.stringify([file.experiment.name, result.variant, result.seed, result.evals]))}`;
  const form = file.form === 'compact' ? ' (compact results file: metric series thinned)' : '';
  return {
    format: SAVED_RUN_FORMAT,
    version: SAVED_RUN_VERSION,
    savedAt,
    spec: {
      id,
      name: name.slice(0, 200),
      config: result.config,
      seed: result.seed,
      backend: (BACKENDS as readonly string[]).includes(result.backend)
        ? (result.backend as SavedRun['spec']['backend'])
        : 'auto',
    },
    status: result.failure ? 'failed' : 'done',
    reason: result.failure
      ? `${result.failure.reason} (from the command line)${form}`
      : form
        ? form.trim()
        : null,
    backend: { name: result.backend, fallbacks: [] },
    criterionIds: result.criterionIds,
    criterionNames: result.criterionNames,
    metrics: result.metrics,
    evals: result.evals,
  };
}

export type Imported = { kind: 'runs'; runs: SavedRun[] } | { kind: 'experiment'; experiment: Experiment };

/** Largest file the app imports. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

/** Problems shown at most: a file of 50,000 bad records gets a readable answer. */
const MAX_PROBLEMS = 20;

function atMost(problems: Problem[]): Problem[] {
  if (problems.length <= MAX_PROBLEMS) return problems;
  const more = problems.length - MAX_PROBLEMS;
  return [
    ...problems.slice(0, MAX_PROBLEMS),
    { path: '', message: `and ${more} more problem${more > 1 ? 's' : ''}` },
  ];
}

const prefixed = (prefix: string, problems: readonly Problem[]): Problem[] =>
  problems.map((p) => ({ path: prefix + p.path, message: p.message }));

/** One saved run: its config as an experiment's (raw checks, schema, task, rubric), then its schema. */
function parseSavedRun(data: unknown, prefix: string): Parsed<SavedRun> {
  const spec = (data as { spec?: unknown }).spec;
  if (typeof spec === 'object' && spec !== null && 'config' in spec) {
    const config = parseConfig(spec.config);
    if (!config.ok) return { ok: false, problems: prefixed(`${prefix}spec.config.`, config.problems) };
  }
  const parsed = parseWith(savedRunSchema, data);
  return parsed.ok ? parsed : { ok: false, problems: prefixed(prefix, parsed.problems) };
}

/**
 * A file the user chose: one saved run, an array of them, or an experiment file.
 * Never evaluates anything; every problem is named with its path.
 */
export function parseImport(bytes: Uint8Array): Parsed<Imported> {
  const json = parseJsonBytes(bytes, MAX_IMPORT_BYTES);
  if (!json.ok) return json;
  const data = json.value;
  const isRun = (d: unknown): boolean =>
    typeof d === 'object' && d !== null && (d as Record<string, unknown>).format === SAVED_RUN_FORMAT;
  if (isRun(data) || (Array.isArray(data) && data.length > 0 && data.every(isRun))) {
    // Depth and special keys first; recorded metrics may hold NaN (written as null), so numbers are
    // checked in the config only.
    const raw = rawProblems(data, { numbers: false });
    if (raw.length > 0) return { ok: false, problems: raw };
    const items = Array.isArray(data) ? data : [data];
    const runs: SavedRun[] = [];
    const problems: Problem[] = [];
    items.forEach((d, i) => {
      const parsed = parseSavedRun(d, Array.isArray(data) ? `${i}.` : '');
      if (parsed.ok) runs.push(parsed.value);
      else problems.push(...parsed.problems);
    });
    return problems.length
      ? { ok: false, problems: atMost(problems) }
      : { ok: true, value: { kind: 'runs', runs } };
  }
  if (looksLikeResults(data)) {
    // Checked as run files are (raw checks, then every run's config as an experiment's).
    const parsed = parseResultsFile(data);
    if (!parsed.ok) return { ok: false, problems: atMost(parsed.problems) };
    const runs = parsed.value.results.map((r) => fromRunResult(parsed.value, r));
    return runs.length
      ? { ok: true, value: { kind: 'runs', runs } }
      : { ok: false, problems: [{ path: 'results', message: 'the results file has no runs' }] };
  }
  if (typeof data === 'object' && data !== null && 'version' in data && 'task' in data) {
    const parsed = parseExperiment(data);
    return parsed.ok ? { ok: true, value: { kind: 'experiment', experiment: parsed.value } } : parsed;
  }
  return {
    ok: false,
    problems: [
      {
        path: '',
        message:
          'neither a saved run (format "focal-lab-run"), a results file of the command line (format "focal-lab-results") nor an experiment file (version, task)',
      },
    ],
  };
}
