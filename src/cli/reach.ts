/**
 * `lab reach`: is every criterion of every default rubric learnable at every size within the
 * paper's budget? Each run trains on one criterion alone (the others switched off; with one
 * criterion every method is GRPO on it) and reports its final held-out score; a criterion is
 * reachable when that score is at least 0.8. Prints a Markdown table (docs/benchmarks.md).
 */
import { MODEL_SIZES, type ModelSize } from '../core/experiment/schema';
import { resolveVariants, rubricOf } from '../core/experiment/resolve';
import { summarise } from '../core/experiment/compare';
import { methodConfigSchema } from '../core/reward/config';
import type { Rubric } from '../core/rubric';
import { TASK_IDS } from '../core/task';
import type { RunJob } from '../core/train/run';
import { parseCommand, parseListOr, UsageError } from './args';
import { loadExperiment, parseCount, parseCpuBackend } from './experiment-file';
import { defaultProcesses, runWithProgress } from './parallel';

export const USAGE = `Usage: npm run lab -- reach [options]

Trains on each default criterion alone, for every task x size, with the budget and base of the
paper file, and prints whether each reaches a held-out score of 0.8.

Options:
  --file <path>          base experiment (public/experiments/paper.json)
  --tasks <list>         comma-separated task ids (default: all)
  --sizes <list>         comma-separated sizes (default: small,medium,large)
  --criteria <list>      comma-separated criterion ids (default: every criterion of each rubric)
  --seeds <list>         comma-separated seeds (default: 1)
  --steps <N>            override the budget
  --threshold <x>        the score that counts as reached (0.8)
  --backend <wasm|cpu>   (wasm)
  --jobs <N>             processes (default: one per core)`;

/** Each task's criteria to train: all of its rubric's, or those named by `--criteria` (else a `UsageError`). */
function criteriaToTrain(
  rubrics: ReadonlyMap<string, Rubric>,
  value: string | undefined,
): Map<string, Rubric['criteria']> {
  const known = new Set([...rubrics.values()].flatMap((r) => r.criteria.map((c) => c.id)));
  const ids = value === undefined ? known : new Set(value.split(',').map((id) => id.trim()));
  const unknown = [...ids].find((id) => !known.has(id));
  if (unknown !== undefined)
    throw new UsageError(
      `--criteria: no criterion "${unknown}" in the default rubric of ${[...rubrics.keys()].join(', ')} (known: ${[...known].join(', ')})`,
    );
  return new Map([...rubrics].map(([task, r]) => [task, r.criteria.filter((c) => ids.has(c.id))]));
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      file: { type: 'string', default: 'public/experiments/paper.json' },
      tasks: { type: 'string' },
      sizes: { type: 'string' },
      criteria: { type: 'string' },
      seeds: { type: 'string', default: '1' },
      steps: { type: 'string' },
      threshold: { type: 'string', default: '0.8' },
      backend: { type: 'string' },
      jobs: { type: 'string' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const tasks = parseListOr('--tasks', values.tasks, TASK_IDS, TASK_IDS);
  const sizes = parseListOr('--sizes', values.sizes, MODEL_SIZES, MODEL_SIZES);
  const seeds = values.seeds.split(',').map(Number);
  if (seeds.some((s) => !Number.isInteger(s) || s < 0))
    throw new UsageError(`--seeds: expected integers, got "${values.seeds}"`);
  const threshold = Number(values.threshold);
  if (!(threshold > 0 && threshold <= 1))
    throw new UsageError(`--threshold: expected a number in (0, 1], got "${values.threshold}"`);
  const backend = parseCpuBackend(values.backend);
  const steps = parseCount('--steps', values.steps, 1);
  const processes = parseCount('--jobs', values.jobs, 1);
  const loaded = await loadExperiment(values.file);
  if (!loaded.ok) throw new UsageError(loaded.message);
  const base = resolveVariants({ ...loaded.experiment, variants: [] })[0].config;
  const rubrics = new Map(tasks.map((task) => [task, rubricOf({ ...base, task, rubric: undefined })]));
  const chosen = criteriaToTrain(rubrics, values.criteria);
  const budget = steps ?? base.steps;

  const jobs: RunJob[] = [];
  for (const task of tasks)
    for (const size of sizes as ModelSize[]) {
      const rubric = rubrics.get(task)!;
      for (const criterion of chosen.get(task)!)
        for (const seed of seeds)
          jobs.push({
            variant: `${task}/${size}/${criterion.id}`,
            seed,
            config: {
              ...base,
              task,
              model: { size },
              steps: budget,
              method: methodConfigSchema.parse({ method: 'static' }),
              rubric: {
                ...rubric,
                criteria: rubric.criteria.map((c) => ({ ...c, enabled: c.id === criterion.id })),
              },
            },
          });
    }
  const started = Date.now();
  const results = await runWithProgress(jobs, backend, processes ?? defaultProcesses(jobs.length));
  const minutes = (Date.now() - started) / 60000;

  const lines = [
    `Each run trains on one criterion alone (static = GRPO with K = 1), base \`${base.base}\`, ${budget} RL steps, ` +
      `seeds ${seeds.join(', ')}; final held-out score (exact rule), start -> end (the mean over seeds, and the lowest seed's end when there are several); reached when the mean end is at least ${threshold}. ` +
      `${results.length} runs, ${backend}, ${minutes.toFixed(1)} minutes.`,
    '',
    `| task | criterion | ${sizes.join(' | ')} |`,
    `| --- | --- | ${sizes.map(() => '---').join(' | ')} |`,
  ];
  let unreachable = 0;
  for (const task of tasks) {
    for (const { id } of chosen.get(task)!) {
      const cells = sizes.map((size) => {
        const runs = results.filter((r) => r.variant === `${task}/${size}/${id}`);
        const k = runs[0]?.criterionIds.indexOf(id) ?? -1;
        if (runs.length === 0 || k < 0) return '—';
        const start = summarise(runs.map((r) => r.evals[0].criterionMeans[k])).mean;
        const ends = runs.map((r) => r.evals[r.evals.length - 1].criterionMeans[k]);
        const end = summarise(ends).mean;
        if (end < threshold) unreachable++;
        // With several seeds the mean decides; the lowest seed says how close a single run comes.
        const lowest = runs.length > 1 ? ` (lowest ${Math.min(...ends).toFixed(2)})` : '';
        return `${start.toFixed(2)} -> ${end.toFixed(2)}${lowest} ${end >= threshold ? 'yes' : '**no**'}`;
      });
      lines.push(`| ${task} | ${id} | ${cells.join(' | ')} |`);
    }
  }
  lines.push('', `${unreachable} criterion x size cells below ${threshold}.`);
  console.log(lines.join('\n'));
  return 0;
}
