/**
 * `lab paper`: the paper's headline claim tested in this lab. Focal at its defaults against static,
 * gdpo and worst, each alone and the best of them chosen seed by seed on the other seeds (paired t
 * tests, Holm over the grid), on every built-in task x every model size, plus ablations on two
 * benchmarks. Writes
 * docs/results.md (tables) and docs/results.json (every run's records, to redraw without rerunning).
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { MODEL_SIZES } from '../core/experiment/schema';
import { resolveVariants } from '../core/experiment/resolve';
import { METRICS, formatMeanStd, summarise, type Metric } from '../core/experiment/compare';
import { buildPaperResults, type PaperCell } from '../core/records/paper-results';
import type { MethodConfigInput } from '../core/reward/config';
import { methodConfigSchema } from '../core/reward/config';
import { TASK_IDS } from '../core/task';
import type { RunJob, RunResult } from '../core/train/run';
import { inputError, parseChoice, parseCommand, parseListOr, UsageError } from './args';
import { loadExperiment, parseCount, parseCpuBackend } from './experiment-file';
import { finalsOf, formatTest } from './compare-tables';
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
  --out <results.md>     (docs/results.md; the JSON goes beside it)
  --compact <path>       the app's compact results (public/paper/results.json)
  --from <results.json>  rewrite both from an earlier run's records instead of running
  --note <text>          a line about the run, shown with it in the app`;

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
      compact: { type: 'string', default: 'public/paper/results.json' },
      from: { type: 'string' },
      note: { type: 'string', default: '' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const tasks = parseListOr('--tasks', values.tasks, TASK_IDS, TASK_IDS);
  const sizes = parseListOr('--sizes', values.sizes, MODEL_SIZES, MODEL_SIZES);
  const ablationTasks = parseListOr(
    '--ablation-tasks',
    values['ablation-tasks'],
    TASK_IDS,
    ['meadow', 'weather'],
    true,
  );
  const ablationSize = parseChoice(
    values['ablation-size'],
    MODEL_SIZES,
    '--ablation-size: one of small, medium, large',
  );
  const backend = parseCpuBackend(values.backend);
  const steps = parseCount('--steps', values.steps, 1);
  const processes = parseCount('--jobs', values.jobs, 1);
  let seeds: number[] | undefined;
  if (values.seeds !== undefined) {
    seeds = values.seeds.split(',').map(Number);
    if (seeds.some((s) => !Number.isInteger(s) || s < 0))
      throw new UsageError(`--seeds: expected integers, got "${values.seeds}"`);
  }
  if (values.from !== undefined) return rewrite(values.from, values, ablationTasks, ablationSize);
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
        const variant = `${task}/${ablationSize}/${ablation.name}`;
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
            model: { size: ablationSize },
            steps: budget,
            method: methodConfigSchema.parse(ablation.method),
          },
        });
      }

  const started = Date.now();
  const results = await runWithProgress(jobs, backend, processes ?? defaultProcesses(jobs.length));
  const minutes = (Date.now() - started) / 60000;

  const jsonPath = values.out.replace(/\.md$/, '') + '.json';
  await mkdir(dirname(jsonPath), { recursive: true });
  await writeFile(
    jsonPath,
    JSON.stringify({ experiment, budget, seeds: runSeeds, backend, minutes, results }),
  );
  await writeOutputs(
    { file: values.file, experiment, tasks, sizes, seeds: runSeeds, budget, backend, minutes, results },
    {
      out: values.out,
      compact: values.compact,
      note: values.note,
      ablationTasks,
      ablationSize,
    },
  );
  // Failed runs are left out of every cell; say so last, and fail the command.
  const failed = results.filter((r) => r.failure);
  if (failed.length === 0) return 0;
  for (const r of failed) console.error(`  ${r.variant} seed ${r.seed}: ${r.failure?.reason}`);
  console.error(`${failed.length} of ${results.length} runs failed and are left out of the tables`);
  return 1;
}

interface RecordedRun {
  file: string;
  experiment: Record<string, unknown>;
  tasks: string[];
  sizes: string[];
  seeds: number[];
  budget: number;
  backend: string;
  minutes: number;
  results: RunResult[];
}

/** docs/results.md (tables, discussion kept) and the app's compact file, from a run's records. */
async function writeOutputs(
  run: RecordedRun,
  opts: { out: string; compact: string; note: string; ablationTasks: string[]; ablationSize: string },
): Promise<void> {
  const compact = buildPaperResults({
    settings: {
      file: run.file,
      budget: run.budget,
      seeds: run.seeds,
      backend: run.backend,
      minutes: Number(run.minutes.toFixed(1)),
      runs: run.results.length,
      note: opts.note,
    },
    tasks: run.tasks,
    sizes: run.sizes,
    experiment: run.experiment,
    results: run.results,
  });
  const markdown = renderResults({
    ...run,
    experiment: run.file,
    settings: describeSettings(run.experiment),
    ablationTasks: opts.ablationTasks,
    ablationSize: opts.ablationSize,
    cells: compact.cells,
  });
  await mkdir(dirname(opts.out), { recursive: true });
  await writeFile(opts.out, markdown + (await keptDiscussion(opts.out)));
  await mkdir(dirname(opts.compact), { recursive: true });
  await writeFile(opts.compact, JSON.stringify(compact));
  console.log(markdown);
  console.error(`written ${opts.out} and ${opts.compact} (${run.minutes.toFixed(1)} min of runs)`);
}

/** `--from`: the tables and the compact file again from a results JSON, without running anything. */
async function rewrite(
  path: string,
  values: { out: string; compact: string; note: string; file: string },
  ablationTasks: string[],
  ablationSize: string,
): Promise<number> {
  let recorded: Omit<RecordedRun, 'tasks' | 'sizes' | 'file'>;
  try {
    recorded = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`--from ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!Array.isArray(recorded.results)) throw new UsageError(`--from ${path}: no "results" array of runs`);
  const cellsOf = recorded.results.map((r) => r.variant.split('/'));
  const tasks = TASK_IDS.filter((t) => cellsOf.some((c) => c[0] === t));
  const sizes = MODEL_SIZES.filter((s) => cellsOf.some((c) => c[1] === s));
  await writeOutputs(
    { ...recorded, file: values.file, tasks, sizes },
    { ...values, ablationTasks, ablationSize },
  );
  return 0;
}

/** Everything from this marker on in an existing results file is written by hand and kept. */
const DISCUSSION_MARKER = '<!-- discussion: kept when the results are regenerated -->';

async function keptDiscussion(path: string): Promise<string> {
  const old = await readFile(path, 'utf8').catch(() => '');
  const at = old.indexOf(DISCUSSION_MARKER);
  return at >= 0 ? `\n${old.slice(at)}` : '';
}

const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;

const METRIC_TITLES: Record<Metric, string> = {
  rubricScore: 'Rubric score',
  worstScore: 'Worst-criterion score',
  allPassRate: 'All-pass rate',
};

const VERDICT_WORDS = { win: 'clear win', loss: 'clear loss', undecided: 'undecided' } as const;

/** The baselines tested one by one, in the order the tables show them. */
const SEPARATE_NAMES = ['static', 'gdpo', 'worst', 'sa-mrpo'];

/** How the tables' numbers are computed, said once above them. */
export const STATISTICS_NOTE =
  "Each cell's difference is focal minus a baseline, paired by seed: the mean difference, its 95% interval " +
  "from Student's t with n - 1 degrees of freedom, Cohen's d_z (mean / sd of the differences) and the two-sided " +
  'p-value, corrected by Holm over the grid: one family per comparison, the 54 tests of 18 cells x 3 metrics ' +
  '(sa-mrpo: the cells where the ablations ran it). A **clear win** or **clear loss** is a Holm-corrected p below ' +
  '0.05, by the sign of the mean; otherwise **undecided** (the interval is uncorrected, so it can exclude 0 in an ' +
  'undecided cell). The headline baseline is the best of static, gdpo and worst chosen without the seed it is ' +
  'compared on: for each seed, the one with the best mean over the other four seeds (the records hold no seeds set ' +
  'apart for choosing); static, gdpo, worst and sa-mrpo are also each reported alone. The last column is the ' +
  'statistic published before: a 95% percentile bootstrap (10,000 resamples) against the best of the three on the ' +
  'same seeds, which picks the baseline on the seeds it is scored on and is narrower than a t interval at 5 seeds.';

/** The settings a reader needs beside the budget and seeds, read from the recorded experiment. */
function describeSettings(experiment: Record<string, unknown>): string {
  const e = experiment as {
    base?: string;
    sampling?: { groupSize?: number; promptsPerStep?: number };
    warmStart?: { steps?: number };
    eval?: { samples?: number };
    optim?: { lr?: number; lrByWidth?: boolean };
  };
  const base =
    e.base === 'zoo'
      ? 'base `zoo` (the shipped checkpoint of each task and size, so seeds vary RL only)'
      : `base \`scratch\` (a ${e.warmStart?.steps ?? '?'}-step warm start per seed)`;
  const lr = e.optim?.lrByWidth
    ? `RL learning rate ${e.optim.lr ?? 0.002} at small, scaled by width (1/2 at medium, 1/3 at large)`
    : `RL learning rate ${e.optim?.lr ?? 0.002} at every size`;
  return `${base}, ${e.sampling?.promptsPerStep ?? '?'} prompts x ${e.sampling?.groupSize ?? '?'} rollouts per step, ${lr}, ${e.eval?.samples ?? '?'} samples per held-out prompt in the final evaluation`;
}

function renderResults(run: {
  experiment: string;
  settings: string;
  tasks: string[];
  sizes: string[];
  seeds: number[];
  budget: number;
  ablationTasks: string[];
  ablationSize: string;
  backend: string;
  minutes: number;
  results: RunResult[];
  cells: PaperCell[];
}): string {
  const { results, cells } = run;
  const lines: string[] = [];
  lines.push('# Focal Reward vs the static aggregations, in this lab', '');
  lines.push(
    `Produced by \`npm run lab -- paper\` (base file \`${run.experiment}\`): ${run.results.length} runs, ` +
      `${run.backend} backend, ${run.minutes.toFixed(1)} minutes. Budget fixed before the run: ${run.budget} RL steps per run, ` +
      `seeds ${run.seeds.join(', ')} (the same for every method), every method at its defaults (docs/algorithms.md); ${run.settings}. ` +
      'Scores are the final held-out evaluation with the exact rule (no judge noise). ' +
      STATISTICS_NOTE +
      " Every run's records are in `docs/results.json`; the app's Paper reproduction view reads `public/paper/results.json`.",
    '',
  );
  const count = (list: { verdict: string }[], v: string) => list.filter((s) => s.verdict === v).length;
  const tally = (list: { verdict: string }[]) =>
    `${count(list, 'win')} / ${count(list, 'loss')} / ${count(list, 'undecided')}`;
  for (const metric of METRICS) {
    const stats = cells.map((c) => c[metric]);
    const alone = (name: string) =>
      stats.flatMap((s) => (s.separate ?? []).filter((x) => x.baseline === name));
    const separately = SEPARATE_NAMES.filter((name) => alone(name).length > 0)
      .map((name) => `vs ${name} ${tally(alone(name))}`)
      .join('; ');
    const uncorrected = stats.map((s) => ({ verdict: s.uncorrected ?? s.verdict }));
    const bootstrap = stats.flatMap((s) => (s.bootstrap ? [s.bootstrap] : []));
    lines.push(
      `**${METRIC_TITLES[metric]}: ${count(stats, 'win')} clear wins, ${count(stats, 'loss')} clear losses, ${count(stats, 'undecided')} undecided of ${cells.length} cells** ` +
        `against the best of static, gdpo and worst (Holm). Wins / losses / undecided: before the correction ${tally(uncorrected)}; ` +
        `each baseline alone, after it: ${separately}; the bootstrap against the best on the same seeds (the statistic before issue 22) ${tally(bootstrap)}.`,
      '',
    );
  }
  for (const metric of METRICS) {
    const present = SEPARATE_NAMES.filter((name) =>
      cells.some((c) => c[metric].separate?.some((x) => x.baseline === name)),
    );
    lines.push(
      `## ${METRIC_TITLES[metric]}: focal minus each baseline (mean [95% t interval], d_z, Holm p, verdict)`,
      '',
    );
    const header = ['task / size', 'best of (chosen on the other seeds)', ...present.map((n) => `vs ${n}`)];
    header.push('old: bootstrap vs the best on the same seeds');
    lines.push(`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`);
    for (const task of run.tasks)
      for (const size of run.sizes) {
        const c = cells.find((x) => x.task === task && x.size === size)?.[metric];
        if (!c) continue;
        const row = [
          `${task} / ${size}`,
          `${formatTest(c)} (${c.baseline})`,
          ...present.map((name) => {
            const x = c.separate?.find((t) => t.baseline === name);
            return x ? formatTest(x) : '—';
          }),
          c.bootstrap
            ? `${signed(c.bootstrap.mean)} [${signed(c.bootstrap.low)}, ${signed(c.bootstrap.high)}] ${VERDICT_WORDS[c.bootstrap.verdict]} (${c.bootstrap.baseline})`
            : '—',
        ];
        lines.push(`| ${row.join(' | ')} |`);
      }
    lines.push('');
  }
  lines.push('## Every method per cell (final rubric score, mean ± std)', '');
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
