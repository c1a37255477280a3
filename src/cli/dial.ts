/**
 * `lab dial`: the polarisation dial headless (issue 22, section 2). For every chosen point it
 * generates the rubric (src/core/dial), chooses tuned static's multiplier on the tuning seeds,
 * runs every arm x compared seed x size over several processes, and writes the dial results file,
 * a markdown report and an SVG figure. `--from` re-renders the report and figure from a results
 * file without training.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { assembleDial, type PointRuns, type SizeRuns } from '../core/dial/assemble';
import {
  ARM_IDS,
  DEFAULT_RUN_SETTINGS,
  DIAL_ARMS,
  dialExperiment,
  TUNED_STATIC,
  TUNING_MULTIPLIERS,
  tuningExperiment,
  type DialRunSettings,
} from '../core/dial/experiment';
import { dialRubric, type DialRubric } from '../core/dial/generate';
import { DialMergeError, mergeDialResults } from '../core/dial/merge';
import { dialPoints, findPoint, type DialPointSpec } from '../core/dial/points';
import { parseDialResults, type DialResults } from '../core/dial/results';
import { chooseMultiplier } from '../core/dial/tuning';
import { parseExperiment, resolveVariants } from '../core/experiment/resolve';
import {
  MODEL_SIZES,
  type Experiment,
  type ExperimentInput,
  type ModelSize,
} from '../core/experiment/schema';
import { isGzip } from '../core/records/results-file';
import type { RunJob, RunResult } from '../core/records/run-result';
import { TASK_IDS, getTask } from '../core/task';
import { describeProblems } from '../core/validation';
import { inputError, parseCommand, parseList, UsageError } from './args';
import { dialSvg } from './dial-figure';
import { dialMarkdown } from './dial-report';
import { parseCount, parseCpuBackend } from './experiment-file';
import { defaultProcesses, runWithProgress } from './parallel';

export const USAGE = `Usage: npm run lab -- dial [options]

The polarisation dial: a rubric generated over an existing task where the lagging criterion's
base rate, its weight share, its conflict with a length cap and the number of criteria are
settings (docs/dial.md). Each point runs every arm (static, gdpo, sa-mrpo, worst, focal, focal's
ablations, tuned static) over the seeds and sizes, from the zoo's base policies; tuned static's
multiplier of the lagging criterion's training weight (x1, 2, 4, 8) is chosen first on the tuning
seeds. Writes the results file, a markdown report and an SVG figure.

Options:
  --task <id>            task the rubrics are built on (default kitchen)
  --sizes <list>         small, medium, large (default small,medium)
  --seeds <list>         compared seeds, e.g. 1-8 or 1,2,5 (default 1-8)
  --tuning-seeds <list>  seeds tuned static's multiplier is chosen on (default 101-104; never the compared ones)
  --points <ids|all>     dial points (default all): ${dialPoints()
    .map((p) => p.id)
    .join(', ')}
  --arms <list>          arms (default all): ${ARM_IDS.join(', ')}
  --steps <N>            RL steps per run (default 80)
  --eval-samples <N>     samples per held-out prompt at each evaluation, every 10 steps (default 64)
  --backend <wasm|cpu>   Node backend (default wasm: the fused wasm engine)
  --jobs <N>             processes to run at once (default: one per core)
  --predictions <file>   text written into the results file as the predictions (before the run)
  --out <file.json>      results file (default docs/dial.json; gzipped if it ends in .gz)
  --from <file.json>     re-render --md and --svg from a results file, without training; several
                         files (a,b,...: parts of one dial run separately) are merged into one, Holm
                         recomputed over the merged file, and --out writes it
  --md <file.md>         write the report into this file between its dial markers (default: print it)
  --svg <file.svg>       write the figure (gain of focal against each dial)
Exit code 2 on a bad option or file; 1 when a run failed (the others finish and are reported).`;

/** `1-8`, `1,2,5`, `1-4,9`: distinct non-negative seeds in the order given. */
export function parseSeedList(flag: string, value: string): number[] {
  const seeds: number[] = [];
  for (const part of value.split(',').map((s) => s.trim())) {
    const range = /^(\d+)-(\d+)$/.exec(part);
    if (range) {
      const [a, b] = [Number(range[1]), Number(range[2])];
      if (b < a || b - a > 1000)
        throw new UsageError(`${flag}: bad range "${part}" (expected low-high, low <= high)`);
      for (let s = a; s <= b; s++) seeds.push(s);
    } else if (/^\d+$/.test(part)) seeds.push(Number(part));
    else throw new UsageError(`${flag}: expected seeds like 1-8 or 1,2,5, got "${value}"`);
  }
  if (seeds.some((s) => s > 2 ** 31 - 1)) throw new UsageError(`${flag}: a seed is above 2^31 - 1`);
  if (new Set(seeds).size !== seeds.length)
    throw new UsageError(`${flag}: a seed is listed twice in "${value}"`);
  if (seeds.length > 32) throw new UsageError(`${flag}: at most 32 seeds (an experiment's limit)`);
  return seeds;
}

/** The report between these markers is regenerated; the rest of the file is kept. */
export const MD_START = '<!-- dial results: generated by `lab dial`, replaced when it runs again -->';
export const MD_END = '<!-- end of dial results -->';

export function spliceReport(old: string, report: string): string {
  const block = `${MD_START}\n\n${report.trimEnd()}\n\n${MD_END}`;
  const start = old.indexOf(MD_START);
  const end = old.indexOf(MD_END);
  if (start >= 0 && end > start) return old.slice(0, start) + block + old.slice(end + MD_END.length);
  return old.length > 0 ? `${old.trimEnd()}\n\n${block}\n` : `${block}\n`;
}

async function readDialFile(
  path: string,
): Promise<{ ok: true; file: DialResults } | { ok: false; message: string }> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, message: `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot read (${code})`}` };
  }
  try {
    if (isGzip(bytes)) bytes = await promisify(gunzip)(bytes);
    const parsed = parseDialResults(JSON.parse(Buffer.from(bytes).toString('utf8')));
    return parsed.ok
      ? { ok: true, file: parsed.value }
      : { ok: false, message: `${path}: ${parsed.message}` };
  } catch (error) {
    return { ok: false, message: `${path}: not a dial results file (${(error as Error).message})` };
  }
}

/** Writes the results (gzipped when the name ends in .gz) and returns the JSON text. */
async function writeResults(out: string, file: DialResults): Promise<string> {
  const text = JSON.stringify(file);
  await writeFile(out, out.endsWith('.gz') ? await promisify(gzip)(text) : text);
  console.error(`results written to ${out} (${(text.length / 1e6).toFixed(1)} MB of JSON)`);
  return text;
}

async function render(file: DialResults, md: string | undefined, svg: string | undefined): Promise<void> {
  const report = dialMarkdown(file);
  if (md) {
    const old = await readFile(md, 'utf8').catch(() => '');
    await writeFile(md, spliceReport(old, report));
    console.error(`report written to ${md}`);
  } else console.log(report);
  if (svg) {
    await writeFile(svg, dialSvg(file));
    console.error(`figure written to ${svg}`);
  }
}

/** A validated experiment, or an error naming the point: the generator must only build valid ones. */
function checked(input: ExperimentInput, what: string): Experiment {
  const parsed = parseExperiment(input);
  if (!parsed.ok)
    throw new Error(`dial: the experiment of ${what} is invalid:\n${describeProblems(parsed.problems)}`);
  return parsed.value;
}

function jobsOf(experiment: Experiment, steps: number): RunJob[] {
  return resolveVariants(experiment).flatMap((variant) =>
    experiment.seeds.map((seed) => ({ variant: variant.name, config: { ...variant.config, steps }, seed })),
  );
}

interface Planned {
  spec: DialPointSpec;
  generated: DialRubric;
  size: ModelSize;
  tuning?: { experiment: Experiment; from: number; to: number };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      task: { type: 'string' },
      sizes: { type: 'string' },
      seeds: { type: 'string' },
      'tuning-seeds': { type: 'string' },
      points: { type: 'string' },
      arms: { type: 'string' },
      steps: { type: 'string' },
      'eval-samples': { type: 'string' },
      backend: { type: 'string' },
      jobs: { type: 'string' },
      predictions: { type: 'string' },
      out: { type: 'string' },
      from: { type: 'string' },
      md: { type: 'string' },
      svg: { type: 'string' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 0)
    throw new UsageError(`unexpected argument "${positionals[0]}"; lab dial takes only options`);

  if (values.from !== undefined) {
    const trainingFlags = [
      'task',
      'sizes',
      'seeds',
      'tuning-seeds',
      'points',
      'arms',
      'steps',
      'eval-samples',
      'backend',
      'jobs',
    ] as const;
    const given = trainingFlags.filter((f) => values[f] !== undefined);
    if (given.length > 0)
      throw new UsageError(`--from re-renders a results file; --${given[0]} applies to a run`);
    const paths = values.from.split(',').map((p) => p.trim());
    if (paths.some((p) => p === '')) throw new UsageError('--from: an empty file name in the list');
    if (values.out !== undefined && paths.length === 1)
      throw new UsageError('--out with --from writes a merged file: give --from two files or more');
    const files: DialResults[] = [];
    for (const path of paths) {
      const read = await readDialFile(path);
      if (!read.ok) return inputError(read.message);
      files.push(read.file);
    }
    let file: DialResults;
    try {
      file = files.length === 1 ? files[0] : mergeDialResults(files);
    } catch (error) {
      if (error instanceof DialMergeError) return inputError(`--from: ${error.message}`);
      throw error;
    }
    if (values.out !== undefined) await writeResults(values.out, file);
    if (values.predictions !== undefined) file.predictions = await readPredictions(values.predictions);
    await render(file, values.md, values.svg);
    return 0;
  }

  const taskId = values.task ?? 'kitchen';
  if (!TASK_IDS.includes(taskId))
    throw new UsageError(`--task: unknown task "${taskId}"; use ${TASK_IDS.join(', ')}`);
  const task = getTask(taskId);
  const sizes =
    values.sizes === undefined
      ? (['small', 'medium'] as ModelSize[])
      : parseList('--sizes', values.sizes, MODEL_SIZES);
  if (new Set(sizes).size !== sizes.length) throw new UsageError('--sizes: a size is listed twice');
  const seeds =
    values.seeds === undefined ? DEFAULT_RUN_SETTINGS.seeds : parseSeedList('--seeds', values.seeds);
  const tuningSeeds =
    values['tuning-seeds'] === undefined
      ? [101, 102, 103, 104]
      : parseSeedList('--tuning-seeds', values['tuning-seeds']);
  const overlap = tuningSeeds.find((s) => seeds.includes(s));
  if (overlap !== undefined)
    throw new UsageError(`--tuning-seeds: seed ${overlap} is also a compared seed; tuning must not see them`);
  const allPoints = dialPoints();
  const pointIds =
    values.points === undefined || values.points === 'all'
      ? allPoints.map((p) => p.id)
      : parsePoints(values.points);
  const armIds = values.arms === undefined ? [...ARM_IDS] : parseList('--arms', values.arms, ARM_IDS);
  const arms = DIAL_ARMS.filter((a) => armIds.includes(a.id));
  const steps = parseCount('--steps', values.steps, 1) ?? DEFAULT_RUN_SETTINGS.steps;
  const evalSamples =
    parseCount('--eval-samples', values['eval-samples'], 1) ?? DEFAULT_RUN_SETTINGS.evalSamples;
  if (evalSamples > 64) throw new UsageError("--eval-samples: at most 64 (an experiment's limit)");
  const backend = parseCpuBackend(values.backend);
  const processes = parseCount('--jobs', values.jobs, 1);
  const predictions = values.predictions === undefined ? '' : await readPredictions(values.predictions);
  const out = values.out ?? 'docs/dial.json';
  const settings: DialRunSettings = { ...DEFAULT_RUN_SETTINGS, steps, seeds, evalSamples };
  if (!armIds.includes('focal')) console.error('note: without the focal arm there are no gains to report');

  const started = Date.now();
  const loadStart = loadavg();
  const tune = armIds.includes(TUNED_STATIC) && tuningSeeds.length > 0;
  if (armIds.includes(TUNED_STATIC) && !tune)
    console.error('note: no tuning seeds, so tuned static keeps x1 (plain static)');

  // 1. Rubrics, and tuned static's tuning runs for every point x size at once.
  const planned: Planned[] = [];
  const tuningJobs: RunJob[] = [];
  for (const spec of allPoints.filter((p) => pointIds.includes(p.id))) {
    const generated = dialRubric(task, spec.setting);
    for (const note of generated.measured.notes) console.error(`${spec.id}: ${note}`);
    for (const size of sizes) {
      const plan: Planned = { spec, generated, size };
      if (tune) {
        const experiment = checked(
          tuningExperiment(taskId, spec, generated, size, settings, tuningSeeds),
          `${spec.id} (${size}) tuning`,
        );
        const jobs = jobsOf(experiment, steps);
        plan.tuning = { experiment, from: tuningJobs.length, to: tuningJobs.length + jobs.length };
        tuningJobs.push(...jobs);
      }
      planned.push(plan);
    }
  }
  const jobs = processes ?? defaultProcesses(Math.max(1, tuningJobs.length));
  let tuningResults: RunResult[] = [];
  if (tuningJobs.length > 0) {
    console.error(
      `tuning: ${tuningJobs.length} runs of static x${TUNING_MULTIPLIERS.join(', x')} on seeds ${tuningSeeds.join(', ')}`,
    );
    tuningResults = await runWithProgress(tuningJobs, backend, jobs);
  }

  // 2. Every arm over the compared seeds, every point x size at once.
  const mainJobs: RunJob[] = [];
  const sized = planned.map((plan) => {
    const tuning = plan.tuning
      ? chooseMultiplier(tuningResults.slice(plan.tuning.from, plan.tuning.to), TUNING_MULTIPLIERS)
      : { multipliers: [1], scores: [null], chosen: 1 };
    const experiment = checked(
      dialExperiment(taskId, plan.spec, plan.generated, plan.size, settings, arms, tuning.chosen),
      `${plan.spec.id} (${plan.size})`,
    );
    const list = jobsOf(experiment, steps);
    const range = { from: mainJobs.length, to: mainJobs.length + list.length };
    mainJobs.push(...list);
    return { plan, tuning, experiment, range };
  });
  console.error(
    `dial: ${mainJobs.length} runs (${pointIds.length} points x ${sizes.length} sizes x ${arms.length} arms x ${seeds.length} seeds)`,
  );
  const results = await runWithProgress(mainJobs, backend, processes ?? defaultProcesses(mainJobs.length));

  const points: PointRuns[] = [];
  for (const { plan, tuning, experiment, range } of sized) {
    const size: SizeRuns = {
      size: plan.size,
      experiment,
      tuning,
      results: results.slice(range.from, range.to),
    };
    const existing = points.find((p) => p.spec.id === plan.spec.id);
    if (existing) (existing.sizes as SizeRuns[]).push(size);
    else points.push({ spec: plan.spec, generated: plan.generated, sizes: [size] });
  }
  const file = assembleDial(points, {
    task: taskId,
    arms,
    sizes,
    seeds,
    tuningSeeds: tune ? tuningSeeds : [],
    steps,
    eval: { every: settings.evalEvery, samples: evalSamples },
    predictions,
    machine: {
      cores: cpus().length,
      loadStart,
      loadEnd: loadavg(),
      minutes: (Date.now() - started) / 60000,
      jobs: processes ?? defaultProcesses(mainJobs.length),
      node: process.version,
    },
    createdAt: new Date().toISOString(),
  });
  const text = await writeResults(out, file);
  // What was written must read back: the app and --from go through the same schema.
  const reread = parseDialResults(JSON.parse(text));
  if (!reread.ok) throw new Error(`dial: the results file does not pass its own schema:\n${reread.message}`);
  await render(reread.value, values.md, values.svg);
  const failed = [...tuningResults, ...results].filter((r) => r.failure);
  if (failed.length > 0) {
    const first = failed[0];
    console.error(
      `${failed.length} runs failed (first: ${first.variant} seed ${first.seed}: ${first.failure?.reason})`,
    );
    return 1;
  }
  return 0;
}

/** `--points`: ids or dial=value names (the centre's values name the centre), each point once. */
export function parsePoints(value: string): string[] {
  const ids: string[] = [];
  for (const name of value.split(',').map((s) => s.trim())) {
    const point = findPoint(name);
    if (!point)
      throw new UsageError(
        `--points: unknown point "${name}"; use all or ${dialPoints()
          .map((p) => p.id)
          .join(', ')}`,
      );
    if (!ids.includes(point.id)) ids.push(point.id);
  }
  return ids;
}

async function readPredictions(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new UsageError(`--predictions: cannot read "${path}"`);
  }
}
