/**
 * `lab compare <file>`: every variant over every seed, in several processes, then a table per
 * variant (rubric score, worst criterion, all-pass rate as mean ± std across seeds) with paired
 * comparisons against the strongest static aggregation, then paired t tests against each baseline
 * and the best of them chosen on the other seeds, corrected by Holm. A run that fails is kept in the table and
 * the results file with its reason; the others finish. Given a results file instead of an
 * experiment, prints its table without training. The tables themselves: compare-tables.ts.
 */
import { readFile } from 'node:fs/promises';
import { resolveVariants } from '../core/experiment/resolve';
import type { RunJob, RunResult } from '../core/records/run-result';
import { isGzip, looksLikeResults, resultsFile } from '../core/records/results-file';
import { inputError, parseCommand, UsageError } from './args';
import { loadExperiment, parseBackend, parseCount } from './experiment-file';
import { defaultProcesses, runWithProgress } from './parallel';
import { decodeResults, writeResults, type ReadResults } from './results-io';
import {
  chooseVariants,
  formatComparisons,
  formatCriterionFinals,
  formatTests,
  formatWindows,
} from './compare-tables';
import { printableLines } from './tables';

export const USAGE = `Usage: npm run lab -- compare <experiment.json | share link | results.json[.gz]> [options]

Runs every variant of the experiment for every seed and prints a comparison table, then paired
t tests (95% t intervals, Cohen's d_z, Holm-corrected p) of every variant that is not static,
gdpo, worst or sa-mrpo against each of those and against the best of static, gdpo and worst
chosen for each seed on the other seeds. Given a results file (written by --out), prints them
without training.

Options:
  --backend <wasm|cpu|webgpu>
                         TensorFlow.js backend in Node (wasm; webgpu: see docs/performance.md)
  --steps <N>            override every variant's step budget
  --jobs <N>             processes to run at once (default: one per core)
  --out <results.json>   write every run's metric records and evaluations (gzipped if it ends in .gz)
  --compact              in --out, keep every evaluation but at most 100 metric records per run
  --variants <list>      only these variants (comma-separated names): run, printed and written
  --criteria             also print each variant's final held-out score per criterion (mean over
                         seeds, and the lowest seed)
  --windows <N>          also print, per variant, the training batches' criterion means and the
                         effective weights averaged over windows of N steps and over seeds
A share link is the app's whole URL, or its "#x=..." part (quote it: the shell reads # as a comment).
Exit code 2 on a bad file or link, a missing file or a bad option; 1 when a run failed (the others
still finish, and the failed one is marked in the table and in --out).`;

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

/** Print the table and the summary; exit 1 when a run failed, with a one-line summary last. */
// Names and failure reasons come from files: every line printed is made safe for a terminal.
const say = (text: string) => console.log(printableLines(text));
const sayError = (text: string) => console.error(printableLines(text));

function report(
  results: readonly RunResult[],
  footer?: string,
  extra: { windows?: number; criteria?: boolean } = {},
): number {
  say(formatComparisons(results));
  say(`\n${formatTests(results)}`);
  if (footer) say(footer);
  if (extra.criteria) say(`\n${formatCriterionFinals(results)}`);
  if (extra.windows !== undefined) say(`\n${formatWindows(results, extra.windows)}`);
  const failed = results.filter((r) => r.failure);
  if (failed.length === 0) return 0;
  const first = failed[0];
  sayError(
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
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1)
    throw new UsageError('Expected exactly one experiment file, share link or results file.');
  const backend = parseBackend(values.backend);
  const steps = parseCount('--steps', values.steps, 1);
  const processes = parseCount('--jobs', values.jobs, 1);
  const windows = parseCount('--windows', values.windows, 1);
  const form = values.compact ? 'compact' : 'full';

  const stored = await readResultsIfAny(positionals[0]);
  if (stored) {
    if (!stored.ok) return inputError(stored.message);
    if (values.steps !== undefined || values.backend !== undefined || values.jobs !== undefined)
      throw new UsageError('--steps, --backend and --jobs apply to an experiment, not to a results file.');
    const { experiment, results } = stored.file;
    sayError(`${positionals[0]}: ${results.length} runs of "${experiment.name}" (${stored.file.form} form)`);
    const names = chooseVariants([...new Set(results.map((r) => r.variant))], values.variants);
    if (typeof names === 'string') throw new UsageError(names);
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
  if (typeof names === 'string') throw new UsageError(names);
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
