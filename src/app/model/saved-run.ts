/**
 * A run as it is saved (IndexedDB) and exported/imported (JSON): its spec, what it reported and
 * how it ended. An import goes through the same path as any input from outside: strict UTF-8,
 * raw checks (depth, special keys), this schema, and the run's config through `parseConfig` (the
 * experiment's schema and checks). The recorded metrics are data, not settings: extra keys in a
 * record are dropped rather than refused, so that a file from a newer version still imports.
 */
import { z } from 'zod';
import type { RunStatus, RunView } from '../../client/types';
import { BACKENDS, experimentCoreSchema } from '../../core/experiment/schema';
import { parseConfig, parseExperiment } from '../../core/experiment/resolve';
import type { Experiment } from '../../core/experiment/schema';
import { rawProblems } from '../../core/input/raw';
import { parseJsonBytes } from '../../core/input/text';
import { parseWith, type Parsed, type Problem } from '../../core/validation';

export const SAVED_RUN_FORMAT = 'focal-lab-run';
export const SAVED_RUN_VERSION = 1;

/** JSON writes NaN and Infinity as null; read them back as NaN. */
const num = z
  .number()
  .nullable()
  .transform((v) => (v === null ? NaN : v));
const nums = z.array(num);

const metricSchema = z.object({
  step: z.number().int().min(0),
  criterionMeans: nums,
  effectiveWeights: nums,
  saturation: nums,
  rubricScore: num,
  worstScore: num,
  allPassRate: num,
  kl: num,
  entropy: num,
  loss: num,
  clipFraction: num,
  gradNorm: num,
  advantageMean: num,
  advantageStd: num,
  zeroStdShare: num,
  meanLength: num,
  msSample: num,
  msScore: num,
  msUpdate: num,
});

const evalSchema = z.object({
  step: z.number().int().min(0),
  criterionMeans: nums,
  rubricScore: num,
  worstScore: num,
  allPassRate: num,
  spread: num,
  samples: z.number().int().min(0),
});

const STATUSES = ['queued', 'starting', 'ready', 'running', 'paused', 'done', 'stopped', 'failed'] as const;

export const savedRunSchema = z.strictObject({
  format: z.literal(SAVED_RUN_FORMAT),
  version: z.literal(SAVED_RUN_VERSION),
  savedAt: z.string().max(40),
  spec: z.strictObject({
    id: z.string().min(1).max(80),
    name: z.string().max(200),
    config: experimentCoreSchema,
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
    })
    .nullable(),
  criterionIds: z.array(z.string().max(40)).max(16),
  criterionNames: z.array(z.string().max(60)).max(16),
  metrics: z.array(metricSchema).max(200_000),
  evals: z.array(evalSchema).max(100_000),
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
  if (typeof data === 'object' && data !== null && 'version' in data && 'task' in data) {
    const parsed = parseExperiment(data);
    return parsed.ok ? { ok: true, value: { kind: 'experiment', experiment: parsed.value } } : parsed;
  }
  return {
    ok: false,
    problems: [
      {
        path: '',
        message: 'neither a saved run (format "focal-lab-run") nor an experiment file (version, task)',
      },
    ],
  };
}
