/**
 * `lab run <file>`: one configuration of an experiment file, headless, with a progress bar,
 * a final summary, and optional results JSON and metrics CSV.
 */
import { writeFile } from 'node:fs/promises';
import { resolveVariants } from '../core/experiment/resolve';
import type { Experiment } from '../core/experiment/schema';
import { useBackend } from './backend-node';
import { runToEnd } from '../core/train/run';
import { metricsCsv } from '../core/records/csv';
import { resultsFile } from '../core/records/results-file';
import { inputError, parseCommand, UsageError } from './args';
import { loadExperiment, parseBackend, parseCount } from './experiment-file';
import { progressBar } from './progress';
import { runHooksFor } from './run-hooks';
import { writeResults } from './results-io';
import { formatEvalTable, printable } from './tables';

export const USAGE = `Usage: npm run lab -- run <experiment.json | share link> [options]

Options:
  --backend <wasm|cpu|webgpu>
                         TensorFlow.js backend in Node (wasm; cpu is bit-reproducible; webgpu runs
                         on Dawn with a Vulkan driver, see docs/performance.md)
  --steps <N>            override the file's step budget; 0 evaluates the starting policy on
                         the held-out prompts and stops
  --seed <S>             override the file's seed (default: its first seed)
  --variant <name>       which variant to run (default: the first, or the base when there are none)
  --out <results.json>   write the experiment, every metric record and every evaluation
                         (gzipped if it ends in .gz; compare and the app's import read it)
  --compact              in --out, keep every evaluation but at most 100 metric records
  --csv <metrics.csv>    write the metric records as CSV
A share link is the app's whole URL, or its "#x=..." part (quote it: the shell reads # as a comment).
Exit code 2 on a bad file or link, a missing file or a bad option; 1 when the run failed (what it
measured up to there is still printed and written).`;

/** A run's label: the experiment's name, and the variant's when the file has variants. */
/** The experiment's (and variant's) name as printed: from a file, so made safe for a terminal. */
export function runLabel(experiment: Experiment, variant: string): string {
  return printable(experiment.variants.length === 0 ? experiment.name : `${experiment.name} / ${variant}`);
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      backend: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string' },
      variant: { type: 'string' },
      out: { type: 'string' },
      compact: { type: 'boolean' },
      csv: { type: 'string' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('Expected exactly one experiment file or share link.');
  const backend = parseBackend(values.backend);
  const steps = parseCount('--steps', values.steps, 0);
  const seed = parseCount('--seed', values.seed);

  const loaded = await loadExperiment(positionals[0]);
  if (!loaded.ok) return inputError(loaded.message);
  const experiment = loaded.experiment;
  const variants = resolveVariants(experiment);
  const variant =
    values.variant === undefined ? variants[0] : variants.find((v) => v.name === values.variant);
  if (!variant)
    throw new UsageError(
      `--variant: no variant named "${values.variant}"; have: ${variants.map((v) => v.name).join(', ')}`,
    );
  const config = { ...variant.config, steps: steps ?? variant.config.steps };
  const runSeed = seed ?? experiment.seeds[0];

  await useBackend(backend);
  console.error(
    `${runLabel(experiment, variant.name)}: task ${config.task}, ${config.model.size} policy, method ${config.method.method}, seed ${runSeed}, ${backend} backend`,
  );
  const bar = progressBar('training');
  let result;
  try {
    result = await runToEnd(
      { variant: variant.name, config, seed: runSeed },
      backend,
      (record, total) =>
        bar(
          record.step,
          total,
          `rubric ${record.rubricScore.toFixed(3)} worst ${record.worstScore.toFixed(3)}`,
        ),
      runHooksFor(variant.name),
    );
  } catch (error) {
    // Before the first step (warm start, rubric): nothing was measured.
    console.error(
      `the run failed before training: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }
  if (config.steps === 0)
    console.log('steps 0: the starting policy on the held-out prompts, without training');
  if (result.evals.length > 0) console.log(formatEvalTable(result));
  console.log(`${result.seconds.toFixed(1)} s in all (warm start included)`);
  if (values.out) {
    await writeResults(values.out, resultsFile(experiment, [result], values.compact ? 'compact' : 'full'));
    console.error(`results written to ${values.out}`);
  }
  if (values.csv) {
    await writeFile(
      values.csv,
      metricsCsv([
        { ...result, spec: { id: `${variant.name}/${runSeed}`, name: variant.name, seed: runSeed, config } },
      ]),
    );
    console.error(`metrics written to ${values.csv}`);
  }
  if (result.failure) {
    console.error(`the run failed at step ${result.failure.step}: ${result.failure.reason}`);
    return 1;
  }
  return 0;
}
