/**
 * Metrics as CSV: one row per run and step (or per evaluation), per-criterion columns named after
 * the criteria, so that runs with different rubrics share one file (absent cells are empty).
 */
import type { ExperimentCore } from '../experiment/schema';
import type { EvalRecord, MetricRecord } from './types';

/** What an export needs of a run: a live view or a restored one in the app, a result in the CLI. */
export interface ExportedRun {
  spec: { id: string; name: string; seed: number; config: ExperimentCore };
  criterionNames: readonly string[];
  metrics: readonly MetricRecord[];
  evals: readonly EvalRecord[];
}

const SCALAR_METRICS = [
  'rubricScore',
  'worstScore',
  'allPassRate',
  'kl',
  'entropy',
  'loss',
  'clipFraction',
  'gradNorm',
  'advantageMean',
  'advantageStd',
  'zeroStdShare',
  'meanLength',
  'msSample',
  'msScore',
  'msUpdate',
] as const satisfies readonly (keyof MetricRecord)[];

const SCALAR_EVALS = [
  'rubricScore',
  'worstScore',
  'allPassRate',
  'spread',
  'samples',
] as const satisfies readonly (keyof EvalRecord)[];

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : String(value);
  return /[",\r\n]/.test(value) || /^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

function criterionColumns(runs: readonly ExportedRun[]): string[] {
  const names: string[] = [];
  for (const run of runs) for (const name of run.criterionNames) if (!names.includes(name)) names.push(name);
  return names;
}

function runColumns(run: ExportedRun): (string | number)[] {
  return [run.spec.id, run.spec.name, run.spec.config.method.method, run.spec.seed, run.spec.config.task];
}

const RUN_HEADER = ['run', 'name', 'method', 'seed', 'task'];

export function metricsCsv(runs: readonly ExportedRun[]): string {
  const names = criterionColumns(runs);
  const header = [
    ...RUN_HEADER,
    'step',
    ...SCALAR_METRICS,
    ...names.map((n) => `score:${n}`),
    ...names.map((n) => `weight:${n}`),
    ...names.map((n) => `saturation:${n}`),
  ];
  const rows = runs.flatMap((run) =>
    run.metrics.map((m) => {
      const perCriterion = (values: readonly number[]): (number | null)[] =>
        names.map((name) => {
          const i = run.criterionNames.indexOf(name);
          return i >= 0 && i < values.length ? values[i] : null;
        });
      return [
        ...runColumns(run),
        m.step,
        ...SCALAR_METRICS.map((key) => m[key]),
        ...perCriterion(m.criterionMeans),
        ...perCriterion(m.effectiveWeights),
        ...perCriterion(m.saturation),
      ];
    }),
  );
  return toCsv(header, rows);
}

export function evalsCsv(runs: readonly ExportedRun[]): string {
  const names = criterionColumns(runs);
  const header = [...RUN_HEADER, 'step', ...SCALAR_EVALS, ...names.map((n) => `score:${n}`)];
  const rows = runs.flatMap((run) =>
    run.evals.map((e) => [
      ...runColumns(run),
      e.step,
      ...SCALAR_EVALS.map((key) => e[key]),
      ...names.map((name) => {
        const i = run.criterionNames.indexOf(name);
        return i >= 0 && i < e.criterionMeans.length ? e.criterionMeans[i] : null;
      }),
    ]),
  );
  return toCsv(header, rows);
}
