/**
 * `lab compare <file>`: every variant over every seed, in several processes, then a table per
 * variant (rubric score, worst criterion, all-pass rate as mean ± std across seeds) with paired
 * wins against the strongest static aggregation.
 */
import { writeFile } from 'node:fs/promises';
import { resolveVariants } from '../core/experiment/resolve';
import { compareVariants, formatMeanStd, type ComparisonTable } from '../core/experiment/compare';
import type { RunJob, RunResult } from '../core/train/run';
import { inputError, parseCommand, usageError } from './args';
import { loadExperiment, parseBackend, parseCount } from './experiment-file';
import { defaultProcesses, runWithProgress } from './parallel';
import { table } from './tables';

export const USAGE = `Usage: npm run lab -- compare <experiment.json | share link> [options]

Runs every variant of the file for every seed and prints a comparison table.

Options:
  --backend <wasm|cpu>   TensorFlow.js backend in Node (wasm)
  --steps <N>            override every variant's step budget
  --jobs <N>             processes to run at once (default: one per core)
  --out <results.json>   write every run's metric records and evaluations
A share link is the app's whole URL, or its "#x=..." part (quote it: the shell reads # as a comment).
Exit code 2 on a bad file or link, a missing file or a bad option.`;

const fail = (message: string): number => usageError(message, 'compare');

export function finalsOf(results: readonly RunResult[]) {
  return results.map((r) => {
    const last = r.evals[r.evals.length - 1];
    return {
      variant: r.variant,
      method: r.config.method.method,
      seed: r.seed,
      rubricScore: last.rubricScore,
      worstScore: last.worstScore,
      allPassRate: last.allPassRate,
    };
  });
}

export function formatComparison(comparison: ComparisonTable): string {
  const wins = (c?: { wins: number; pairs: number; meanDiff: number }) =>
    c ? `${c.wins}/${c.pairs} (${c.meanDiff >= 0 ? '+' : ''}${c.meanDiff.toFixed(3)})` : '(baseline)';
  const rows = comparison.rows.map((r) => [
    r.variant,
    r.method,
    formatMeanStd(r.rubric),
    formatMeanStd(r.worst),
    formatMeanStd(r.allPass),
    comparison.baseline ? wins(r.vsBaseline) : '—',
  ]);
  const header = [
    'variant',
    'method',
    'rubric score',
    'worst criterion',
    'all-pass rate',
    'paired wins vs baseline',
  ];
  const note = comparison.baseline
    ? `baseline: "${comparison.baseline}", the strongest static aggregation (best of static, gdpo, worst) by mean rubric score`
    : 'no static, gdpo or worst variant ran, so there are no paired wins';
  return `${table(header, rows)}\n${note}`;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      backend: { type: 'string' },
      steps: { type: 'string' },
      jobs: { type: 'string' },
      out: { type: 'string' },
    },
    USAGE,
    'compare',
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return fail('Expected exactly one experiment file or share link.');
  const backend = parseBackend(values.backend);
  if (backend !== 'wasm' && backend !== 'cpu') return fail(backend);
  const steps = parseCount('--steps', values.steps, 1);
  if (typeof steps === 'string') return fail(steps);
  const processes = parseCount('--jobs', values.jobs, 1);
  if (typeof processes === 'string') return fail(processes);
  const loaded = await loadExperiment(positionals[0]);
  if (!loaded.ok) return inputError(loaded.message);

  const experiment = loaded.experiment;
  const jobs: RunJob[] = resolveVariants(experiment).flatMap((variant) =>
    experiment.seeds.map((seed) => ({
      variant: variant.name,
      config: { ...variant.config, steps: steps ?? variant.config.steps },
      seed,
    })),
  );
  const started = Date.now();
  const results = await runWithProgress(jobs, backend, processes ?? defaultProcesses(jobs.length));
  console.log(formatComparison(compareVariants(finalsOf(results))));
  console.log(`${((Date.now() - started) / 1000).toFixed(1)} s in all`);
  if (values.out) {
    await writeFile(values.out, JSON.stringify({ experiment, results }, null, 1));
    console.error(`results written to ${values.out}`);
  }
  return 0;
}
