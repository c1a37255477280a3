/**
 * `lab paper`: the paper's headline claim tested in this lab. Focal at its defaults against the
 * strongest static aggregation (best of static, gdpo, worst per benchmark and size, same seeds)
 * on every built-in task x every model size, plus ablations on two benchmarks. Writes
 * docs/results.md (tables) and docs/results.json (every run's records, to redraw without rerunning).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MODEL_SIZES, type ModelSize } from '../core/experiment/schema';
import { resolveVariants } from '../core/experiment/resolve';
import { compareVariants, formatMeanStd, summarise } from '../core/experiment/compare';
import type { MethodConfigInput } from '../core/reward/config';
import { methodConfigSchema } from '../core/reward/config';
import { TASK_IDS } from '../core/task';
import type { RunJob, RunResult } from '../core/train/run';
import { inputError, parseCommand, parseList, usageError } from './args';
import { loadExperiment, parseBackend, parseCount } from './experiment-file';
import { finalsOf } from './compare';
import { defaultProcesses, runWithProgress } from './parallel';

export const USAGE = `Usage: npm run lab -- paper [options]

Runs focal against static, gdpo and worst on every task x size (seeds and budget from the file),
plus ablations on two tasks, and writes the results.

Options:
  --file <path>          base experiment (public/experiments/paper.json)
  --tasks <list>         comma-separated task ids (default: all)
  --sizes <list>         comma-separated sizes (default: small,medium,large)
  --seeds <list>         comma-separated seeds (default: the file's)
  --steps <N>            override the step budget
  --ablation-tasks <l>   tasks for the ablations (default: meadow,weather; "none" to skip)
  --ablation-size <s>    size for the ablations (default: small)
  --backend <wasm|cpu>   (wasm)
  --jobs <N>             processes (default: one per core)
  --out <results.md>     (docs/results.md; the JSON goes beside it)`;

/** The ablations of focal's parts, and sa-mrpo alongside; each is a method override. */
export const ABLATIONS: { name: string; method: MethodConfigInput }[] = [
  { name: 'focal', method: { method: 'focal' } },
  { name: 'no projection', method: { method: 'focal', projection: false } },
  { name: 'no direction calibration', method: { method: 'focal', scale: 'none' } },
  { name: 'no reweighting', method: { method: 'focal', gamma: 0 } },
  { name: 'gamma 0.5', method: { method: 'focal', gamma: 0.5 } },
  { name: 'gamma 1', method: { method: 'focal', gamma: 1 } },
  { name: 'gamma 4', method: { method: 'focal', gamma: 4 } },
  { name: 'sa-mrpo', method: { method: 'sa-mrpo' } },
  { name: 'static', method: { method: 'static' } },
  { name: 'gdpo', method: { method: 'gdpo' } },
  { name: 'worst', method: { method: 'worst' } },
];

const fail = (message: string): number => usageError(message, 'paper');

function list<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T[],
): T[] | string {
  if (value === undefined) return fallback;
  if (value === 'none') return [];
  return parseList(flag, value, allowed);
}

interface Cell {
  task: string;
  size: ModelSize;
  baseline: string;
  rubricDiff: { mean: number; std: number };
  worstDiff: { mean: number; std: number };
  wins: number;
  worstWins: number;
  pairs: number;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      file: { type: 'string', default: 'public/experiments/paper.json' },
      tasks: { type: 'string' },
      sizes: { type: 'string' },
      seeds: { type: 'string' },
      steps: { type: 'string' },
      'ablation-tasks': { type: 'string' },
      'ablation-size': { type: 'string', default: 'small' },
      backend: { type: 'string' },
      jobs: { type: 'string' },
      out: { type: 'string', default: 'docs/results.md' },
    },
    USAGE,
    'paper',
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const tasks = list('--tasks', values.tasks, TASK_IDS, [...TASK_IDS]);
  if (typeof tasks === 'string') return fail(tasks);
  const sizes = list('--sizes', values.sizes, MODEL_SIZES, [...MODEL_SIZES]);
  if (typeof sizes === 'string') return fail(sizes);
  const ablationTasks = list('--ablation-tasks', values['ablation-tasks'], TASK_IDS, ['meadow', 'weather']);
  if (typeof ablationTasks === 'string') return fail(ablationTasks);
  const ablationSize = list('--ablation-size', values['ablation-size'], MODEL_SIZES, ['small']);
  if (typeof ablationSize === 'string' || ablationSize.length !== 1)
    return fail('--ablation-size: one of small, medium, large');
  const backend = parseBackend(values.backend);
  if (backend !== 'wasm' && backend !== 'cpu')
    return fail(backend === 'webgpu' ? '--backend: this command runs on wasm or cpu, not webgpu' : backend);
  const steps = parseCount('--steps', values.steps, 1);
  if (typeof steps === 'string') return fail(steps);
  const processes = parseCount('--jobs', values.jobs, 1);
  if (typeof processes === 'string') return fail(processes);
  let seeds: number[] | undefined;
  if (values.seeds !== undefined) {
    seeds = values.seeds.split(',').map(Number);
    if (seeds.some((s) => !Number.isInteger(s) || s < 0))
      return fail(`--seeds: expected integers, got "${values.seeds}"`);
  }
  const loaded = await loadExperiment(values.file);
  if (!loaded.ok) return inputError(loaded.message);
  const experiment = loaded.experiment;
  const runSeeds = seeds ?? experiment.seeds;
  const budget = steps ?? experiment.steps;

  // The grid: every task x size x base variant x seed, then the ablations.
  const jobs: (RunJob & { part: 'grid' | 'ablation' })[] = [];
  for (const task of tasks)
    for (const size of sizes)
      for (const variant of resolveVariants({ ...experiment, task, rubric: undefined, model: { size } }))
        for (const seed of runSeeds)
          jobs.push({
            part: 'grid',
            variant: `${task}/${size}/${variant.name}`,
            seed,
            config: { ...variant.config, steps: budget },
          });
  const base = resolveVariants({ ...experiment, variants: [] })[0].config;
  for (const task of ablationTasks)
    for (const ablation of ABLATIONS)
      for (const seed of runSeeds) {
        const variant = `${task}/${ablationSize[0]}/${ablation.name}`;
        // The grid already ran these exact configurations when it covers this task and size.
        if (jobs.some((j) => j.variant === variant && j.seed === seed)) continue;
        jobs.push({
          part: 'ablation',
          variant,
          seed,
          config: {
            ...base,
            task,
            rubric: undefined,
            model: { size: ablationSize[0] },
            steps: budget,
            method: methodConfigSchema.parse(ablation.method),
          },
        });
      }

  const started = Date.now();
  const results = await runWithProgress(jobs, backend, processes ?? defaultProcesses(jobs.length));
  const minutes = (Date.now() - started) / 60000;

  const markdown = renderResults({
    experiment: values.file,
    tasks,
    sizes,
    seeds: runSeeds,
    budget,
    ablationTasks,
    ablationSize: ablationSize[0],
    backend,
    minutes,
    results,
  });
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, markdown + (await keptDiscussion(values.out)));
  const jsonPath = values.out.replace(/\.md$/, '') + '.json';
  await writeFile(
    jsonPath,
    JSON.stringify({ experiment, budget, seeds: runSeeds, backend, minutes, results }),
  );
  console.log(markdown);
  console.error(`written ${values.out} and ${jsonPath} (${minutes.toFixed(1)} min)`);
  // Failed runs are left out of every cell; say so last, and fail the command.
  const failed = results.filter((r) => r.failure);
  if (failed.length === 0) return 0;
  for (const r of failed) console.error(`  ${r.variant} seed ${r.seed}: ${r.failure?.reason}`);
  console.error(`${failed.length} of ${results.length} runs failed and are left out of the tables`);
  return 1;
}

/** Everything from this marker on in an existing results file is written by hand and kept. */
const DISCUSSION_MARKER = '<!-- discussion: kept when the results are regenerated -->';

async function keptDiscussion(path: string): Promise<string> {
  const old = await readFile(path, 'utf8').catch(() => '');
  const at = old.indexOf(DISCUSSION_MARKER);
  return at >= 0 ? `\n${old.slice(at)}` : '';
}

const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

function cellFor(task: string, size: string, results: readonly RunResult[]): Cell | undefined {
  const prefix = `${task}/${size}/`;
  const finals = finalsOf(results.filter((r) => r.variant.startsWith(prefix)))
    .map((f) => ({ ...f, variant: f.variant.slice(prefix.length) }))
    .filter((f) => ['static', 'gdpo', 'worst', 'focal'].includes(f.variant));
  const comparison = compareVariants(finals);
  const focal = comparison.rows.find((r) => r.variant === 'focal');
  if (!focal?.vsBaseline || !focal.vsBaselineWorst || !comparison.baseline) return undefined;
  return {
    task,
    size: size as ModelSize,
    baseline: comparison.baseline,
    rubricDiff: { mean: focal.vsBaseline.meanDiff, std: focal.vsBaseline.stdDiff },
    worstDiff: { mean: focal.vsBaselineWorst.meanDiff, std: focal.vsBaselineWorst.stdDiff },
    wins: focal.vsBaseline.wins,
    worstWins: focal.vsBaselineWorst.wins,
    pairs: focal.vsBaseline.pairs,
  };
}

function renderResults(run: {
  experiment: string;
  tasks: string[];
  sizes: string[];
  seeds: number[];
  budget: number;
  ablationTasks: string[];
  ablationSize: string;
  backend: string;
  minutes: number;
  results: RunResult[];
}): string {
  const { results } = run;
  const cells = run.tasks
    .flatMap((task) => run.sizes.map((size) => cellFor(task, size, results)))
    .filter((c): c is Cell => !!c);
  const positive = cells.filter((c) => c.rubricDiff.mean > 0).length;
  const lines: string[] = [];
  lines.push('# Focal Reward vs the strongest static aggregation, in this lab', '');
  lines.push(
    `Produced by \`npm run lab -- paper\` (base file \`${run.experiment}\`): ${run.results.length} runs, ` +
      `${run.backend} backend, ${run.minutes.toFixed(1)} minutes. Budget fixed before the run: ${run.budget} RL steps per run, ` +
      `seeds ${run.seeds.join(', ')}, every method at its defaults (docs/algorithms.md). Scores are the final held-out ` +
      'evaluation with the exact rule (no judge noise). The baseline of each cell is the best of static, gdpo and worst ' +
      "by mean rubric score on the same seeds. Every run's records are in `docs/results.json`.",
    '',
  );
  lines.push(
    `**Focal beat the strongest static aggregation on mean rubric score in ${positive} of ${cells.length} cells.**`,
    '',
  );
  lines.push(
    '## Rubric score: focal minus the strongest static (mean ± std over paired seeds; wins / pairs; baseline)',
    '',
  );
  lines.push(`| task | ${run.sizes.join(' | ')} |`, `| --- | ${run.sizes.map(() => '---').join(' | ')} |`);
  for (const task of run.tasks) {
    const row = run.sizes.map((size) => {
      const c = cells.find((x) => x.task === task && x.size === size);
      return c
        ? `${signed(c.rubricDiff.mean)} ± ${c.rubricDiff.std.toFixed(3)} (${c.wins}/${c.pairs}; ${c.baseline})`
        : '—';
    });
    lines.push(`| ${task} | ${row.join(' | ')} |`);
  }
  lines.push('', '## Worst-criterion score: focal minus the same baseline', '');
  lines.push(`| task | ${run.sizes.join(' | ')} |`, `| --- | ${run.sizes.map(() => '---').join(' | ')} |`);
  for (const task of run.tasks) {
    const row = run.sizes.map((size) => {
      const c = cells.find((x) => x.task === task && x.size === size);
      return c
        ? `${signed(c.worstDiff.mean)} ± ${c.worstDiff.std.toFixed(3)} (${c.worstWins}/${c.pairs})`
        : '—';
    });
    lines.push(`| ${task} | ${row.join(' | ')} |`);
  }
  lines.push('', '## Every method per cell (final rubric score, mean ± std)', '');
  const methods = ['static', 'gdpo', 'worst', 'focal'];
  lines.push(`| task / size | ${methods.join(' | ')} |`, `| --- | ${methods.map(() => '---').join(' | ')} |`);
  for (const task of run.tasks)
    for (const size of run.sizes) {
      const row = methods.map((m) => {
        const finals = finalsOf(results.filter((r) => r.variant === `${task}/${size}/${m}`));
        return formatMeanStd(summarise(finals.map((f) => f.rubricScore)));
      });
      lines.push(`| ${task} / ${size} | ${row.join(' | ')} |`);
    }
  for (const task of run.ablationTasks) {
    lines.push('', `## Ablations on ${task} (${run.ablationSize})`, '');
    lines.push('| variant | rubric score | worst criterion | all-pass rate |', '| --- | --- | --- | --- |');
    for (const ablation of ABLATIONS) {
      const finals = finalsOf(
        results.filter((r) => r.variant === `${task}/${run.ablationSize}/${ablation.name}`),
      );
      if (finals.length === 0) continue;
      lines.push(
        `| ${ablation.name} | ${formatMeanStd(summarise(finals.map((f) => f.rubricScore)))} | ${formatMeanStd(summarise(finals.map((f) => f.worstScore)))} | ${formatMeanStd(summarise(finals.map((f) => f.allPassRate)))} |`,
      );
    }
  }
  lines.push('');
  return lines.join('\n');
}
