/**
 * `lab compare <file>`: every variant over every seed, in several processes, then a table per
 * variant (rubric score, worst criterion, all-pass rate as mean ± std across seeds) with paired
 * comparisons against the strongest static aggregation. A run that fails is kept in the table and
 * the results file with its reason; the others finish. Given a results file instead of an
 * experiment, prints its table without training.
 */
import { readFile } from 'node:fs/promises';
import { resolveVariants } from '../core/experiment/resolve';
import {
  compareVariants,
  formatMeanStd,
  type ComparisonTable,
  type PairedComparison,
} from '../core/experiment/compare';
import type { RunJob, RunResult } from '../core/train/run-result';
import { isGzip, looksLikeResults, resultsFile } from '../core/train/results-file';
import { inputError, parseCommand, usageError } from './args';
import { loadExperiment, isCliBackend, parseBackend, parseCount } from './experiment-file';
import { defaultProcesses, runWithProgress } from './parallel';
import { decodeResults, writeResults, type ReadResults } from './results-io';
import { table } from './tables';
import { stepWindows } from '../core/experiment/windows';

export const USAGE = `Usage: npm run lab -- compare <experiment.json | share link | results.json[.gz]> [options]

Runs every variant of the experiment for every seed and prints a comparison table. Given a
results file (written by --out), prints its table without training.

Options:
  --backend <wasm|cpu|webgpu>
                         TensorFlow.js backend in Node (wasm; webgpu: see docs/performance.md)
  --steps <N>            override every variant's step budget
  --jobs <N>             processes to run at once (default: one per core)
  --out <results.json>   write every run's metric records and evaluations (gzipped if it ends in .gz)
  --compact              in --out, keep every evaluation but at most 100 metric records per run
  --variants <list>      only these variants (comma-separated names) in the table and the windows
  --criteria             also print each variant's final held-out score per criterion (mean over
                         seeds, and the lowest seed)
  --windows <N>          also print, per variant, the training batches' criterion means and the
                         effective weights averaged over windows of N steps and over seeds
A share link is the app's whole URL, or its "#x=..." part (quote it: the shell reads # as a comment).
Exit code 2 on a bad file or link, a missing file or a bad option; 1 when a run failed (the others
still finish, and the failed one is marked in the table and in --out).`;

const fail = (message: string): number => usageError(message, 'compare');

/** Final evaluations of the runs that finished; a failed run's partial evaluations are left out. */
export function finalsOf(results: readonly RunResult[]) {
  return results.flatMap((r) => {
    const last = r.evals.at(-1);
    if (r.failure || !last) return [];
    return [
      {
        variant: r.variant,
        method: r.config.method.method,
        seed: r.seed,
        rubricScore: last.rubricScore,
        worstScore: last.worstScore,
        allPassRate: last.allPassRate,
      },
    ];
  });
}

/** `2/3 (+0.012)`, with ties said: `0/3, 3 tied (+0.000)`. */
export function formatPaired(c: PairedComparison): string {
  const diff = Number.isNaN(c.meanDiff) ? '' : ` (${c.meanDiff >= 0 ? '+' : ''}${c.meanDiff.toFixed(3)})`;
  return `${c.wins}/${c.pairs}${c.ties > 0 ? `, ${c.ties} tied` : ''}${diff}`;
}

/** One line per failed run: which, at which step, why. */
export function formatFailures(results: readonly RunResult[]): string[] {
  return results.flatMap(({ variant, seed, failure }) => {
    if (!failure) return [];
    const where = failure.step === null ? 'before training' : `at step ${failure.step}`;
    // The trainer's own messages start with the step; say it once.
    const reason = failure.reason.replace(/^step \d+: /, '');
    return [`  ${variant} seed ${seed}: failed ${where}: ${reason}`];
  });
}

/**
 * The table: one row per variant (in the order of `results`), with how many of its runs finished,
 * and paired comparisons against the baseline on the rubric score, the worst criterion and the
 * all-pass rate. A variant whose every run failed still has its row.
 */
export function formatComparison(comparison: ComparisonTable, results: readonly RunResult[]): string {
  const names = [...new Set(results.map((r) => r.variant))];
  const paired = (name: string, c?: PairedComparison) =>
    !comparison.baseline ? '—' : name === comparison.baseline ? '(baseline)' : c ? formatPaired(c) : '—';
  const rows = names.map((name) => {
    const runs = results.filter((r) => r.variant === name);
    const failed = runs.filter((r) => r.failure).length;
    const row = comparison.rows.find((r) => r.variant === name);
    return [
      name,
      runs[0].config.method.method,
      failed ? `${runs.length - failed} of ${runs.length} (${failed} failed)` : String(runs.length),
      row ? formatMeanStd(row.rubric) : '—',
      row ? formatMeanStd(row.worst) : '—',
      row ? formatMeanStd(row.allPass) : '—',
      paired(name, row?.vsBaseline),
      paired(name, row?.vsBaselineWorst),
      paired(name, row?.vsBaselineAllPass),
    ];
  });
  const header = [
    'variant',
    'method',
    'runs',
    'rubric score',
    'worst criterion',
    'all-pass rate',
    'vs baseline: rubric',
    'worst',
    'all-pass',
  ];
  const note = comparison.baseline
    ? `baseline: "${comparison.baseline}", the strongest static aggregation (best of static, gdpo, worst) by mean rubric score;\n` +
      'paired columns: wins/pairs on the same seeds, ties, and the mean difference'
    : 'no static, gdpo or worst variant finished, so there are no paired comparisons';
  const failures = formatFailures(results);
  return [table(header, rows), note, ...(failures.length ? ['failed runs:', ...failures] : [])].join('\n');
}

/**
 * One table per task x size: a paired comparison means the same seeds on the same task and policy,
 * so a file with several (the paper grid) gets a baseline per cell, not one across cells.
 */
export function formatComparisons(results: readonly RunResult[]): string {
  const cellOf = (r: RunResult) => `${r.config.task} / ${r.config.model.size}`;
  const cells = [...new Set(results.map(cellOf))];
  if (cells.length <= 1) return formatComparison(compareVariants(finalsOf(results)), results);
  return cells
    .map((cell) => {
      const runs = results.filter((r) => cellOf(r) === cell);
      return `${cell}:\n${formatComparison(compareVariants(finalsOf(runs)), runs)}`;
    })
    .join('\n\n');
}

/** The results file at `path`, or undefined when it is not one (then it is read as an experiment). */
async function readResultsIfAny(path: string): Promise<ReadResults | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  if (isGzip(bytes)) return decodeResults(path, bytes);
  try {
    if (!looksLikeResults(JSON.parse(Buffer.from(bytes).toString('utf8')))) return undefined;
  } catch {
    return undefined;
  }
  return decodeResults(path, bytes);
}

/**
 * Per variant, how the run got where it ended: criterion means of the training batches (judged,
 * so a noisy judge's noise is in them) and the effective weights, per window of `size` steps.
 */
export function formatWindows(results: readonly RunResult[], size: number): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
  const names = [...new Set(results.map((r) => r.variant))];
  return names
    .map((name) => {
      const runs = results.filter((r) => r.variant === name);
      const ids = runs[0].criterionIds;
      const windows = stepWindows(runs, ids.length, size);
      const rows = windows.map((w, i) => [
        `${i === 0 ? 1 : windows[i - 1].lastStep + 1}-${w.lastStep}`,
        ...w.criterionMeans.map(f),
        w.effectiveWeights.map(f).join(' '),
      ]);
      const title = `${name}: training batches' criterion means and effective weights, ${size}-step windows, ${runs.length} run${runs.length === 1 ? '' : 's'}`;
      return [title, table(['steps', ...ids, `weights (${ids.join(' ')})`], rows)].join('\n');
    })
    .join('\n\n');
}

/**
 * Per variant and criterion, the final held-out score (exact rule): mean over the finished runs and
 * the lowest of them, e.g. `0.78 (0.59)`. Criteria are matched by id, so variants whose rubrics
 * differ share a column only where they share a criterion.
 */
export function formatCriterionFinals(results: readonly RunResult[]): string {
  const finished = results.filter((r) => !r.failure && r.evals.length > 0);
  const ids = [...new Set(finished.flatMap((r) => r.criterionIds))];
  const names = [...new Set(finished.map((r) => r.variant))];
  const rows = names.map((name) => {
    const runs = finished.filter((r) => r.variant === name);
    return [
      name,
      ...ids.map((id) => {
        const ends = runs
          .map((r) => r.evals[r.evals.length - 1].criterionMeans[r.criterionIds.indexOf(id)])
          .filter((x) => x !== undefined && Number.isFinite(x));
        if (ends.length === 0) return '—';
        const mean = ends.reduce((a, b) => a + b, 0) / ends.length;
        return `${mean.toFixed(2)} (${Math.min(...ends).toFixed(2)})`;
      }),
    ];
  });
  return [
    'final held-out score per criterion: mean over seeds (lowest seed)',
    table(['variant', ...ids], rows),
  ].join('\n');
}

/** The variant names in `list` (comma-separated; all of `have` when absent), or a message naming the first that is not there. */
export function chooseVariants(have: readonly string[], list: string | undefined): Set<string> | string {
  if (list === undefined) return new Set(have);
  const wanted = list.split(',').map((v) => v.trim());
  const missing = wanted.find((v) => !have.includes(v));
  if (missing === undefined) return new Set(wanted);
  const shown =
    have.length > 12 ? `${have.slice(0, 12).join(', ')}, ... (${have.length} in all)` : have.join(', ');
  return `--variants: no variant "${missing}"; the variants are ${shown}`;
}

/** Print the table and the summary; exit 1 when a run failed, with a one-line summary last. */
function report(
  results: readonly RunResult[],
  footer?: string,
  extra: { windows?: number; criteria?: boolean } = {},
): number {
  console.log(formatComparisons(results));
  if (footer) console.log(footer);
  if (extra.criteria) console.log(`\n${formatCriterionFinals(results)}`);
  const windows = extra.windows;
  if (windows !== undefined) console.log(`\n${formatWindows(results, windows)}`);
  const failed = results.filter((r) => r.failure);
  if (failed.length === 0) return 0;
  const first = failed[0];
  console.error(
    `${failed.length} of ${results.length} runs failed (first: ${first.variant} seed ${first.seed}: ${first.failure?.reason}); ` +
      'the table compares the runs that finished',
  );
  return 1;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      backend: { type: 'string' },
      steps: { type: 'string' },
      jobs: { type: 'string' },
      out: { type: 'string' },
      compact: { type: 'boolean' },
      variants: { type: 'string' },
      windows: { type: 'string' },
      criteria: { type: 'boolean' },
    },
    USAGE,
    'compare',
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    return fail('Expected exactly one experiment file, share link or results file.');
  const backend = parseBackend(values.backend);
  if (!isCliBackend(backend)) return fail(backend);
  const steps = parseCount('--steps', values.steps, 1);
  if (typeof steps === 'string') return fail(steps);
  const processes = parseCount('--jobs', values.jobs, 1);
  if (typeof processes === 'string') return fail(processes);
  const windows = parseCount('--windows', values.windows, 1);
  if (typeof windows === 'string') return fail(windows);
  const form = values.compact ? 'compact' : 'full';

  const stored = await readResultsIfAny(positionals[0]);
  if (stored) {
    if (!stored.ok) return inputError(stored.message);
    if (values.steps !== undefined || values.backend !== undefined || values.jobs !== undefined)
      return fail('--steps, --backend and --jobs apply to an experiment, not to a results file.');
    const { experiment, results } = stored.file;
    console.error(
      `${positionals[0]}: ${results.length} runs of "${experiment.name}" (${stored.file.form} form)`,
    );
    const names = chooseVariants([...new Set(results.map((r) => r.variant))], values.variants);
    if (typeof names === 'string') return fail(names);
    const chosen = results.filter((r) => names.has(r.variant));
    if (values.out) {
      await writeResults(values.out, resultsFile(experiment, chosen, form));
      console.error(`results written to ${values.out}`);
    }
    return report(chosen, undefined, { windows, criteria: values.criteria });
  }

  const loaded = await loadExperiment(positionals[0]);
  if (!loaded.ok) return inputError(loaded.message);
  const experiment = loaded.experiment;
  const variants = resolveVariants(experiment);
  const names = chooseVariants(
    variants.map((v) => v.name),
    values.variants,
  );
  if (typeof names === 'string') return fail(names);
  const chosen = variants.filter((v) => names.has(v.name));
  const jobs: RunJob[] = chosen.flatMap((variant) =>
    experiment.seeds.map((seed) => ({
      variant: variant.name,
      config: { ...variant.config, steps: steps ?? variant.config.steps },
      seed,
    })),
  );
  const started = Date.now();
  const results = await runWithProgress(jobs, backend, processes ?? defaultProcesses(jobs.length));
  if (values.out) {
    await writeResults(values.out, resultsFile(experiment, results, form));
    console.error(`results written to ${values.out}`);
  }
  return report(results, `${((Date.now() - started) / 1000).toFixed(1)} s in all`, {
    windows,
    criteria: values.criteria,
  });
}
