/**
 * `lab zoo`: train the model zoo, one base policy per task x size, each to the quality target of
 * docs/benchmarks.md, and write them to public/zoo (float16 files, a manifest with hashes and
 * figures). Entries already in the manifest for other tasks or sizes are kept, so the work can be
 * split across processes (`--tasks`, `--sizes`) and the manifest grows as each checkpoint lands.
 */
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MODEL_SIZES, type ModelSize } from '../core/experiment/schema';
import { useBackend } from './backend-node';
import { TASK_IDS, getTask } from '../core/task';
import { sha256 } from '../core/zoo/codec';
import {
  ZOO_MANIFEST,
  ZOO_MANIFEST_VERSION,
  parseZooManifest,
  type ZooEntry,
  type ZooManifest,
} from '../core/zoo/manifest';
import { ZOO_SCHEDULES, ZOO_TARGET, trainBase } from '../core/zoo/train';
import { parseCommand, parseListOr, UsageError } from './args';
import { parseCount, parseCpuBackend } from './experiment-file';

export const USAGE = `Usage: npm run lab -- zoo [options]

Trains one base policy per task x size to the quality target (docs/benchmarks.md, "Model zoo")
and writes public/zoo/<task>-<size>.bin and public/zoo/manifest.json.

Options:
  --tasks <list>         comma-separated task ids (default: all)
  --sizes <list>         comma-separated sizes (default: small,medium,large)
  --seed <N>             the zoo's seed (1)
  --backend <wasm|cpu>   (wasm)
  --dir <path>           output folder (public/zoo)
  --max-steps <N>        cap every size's steps (a quick trial; the shipped zoo uses the defaults)
  --report               print the manifest's figures as the Markdown table of docs/benchmarks.md
                         (trains nothing)`;

/** The manifest in `dir`, or null when there is none yet. */
async function readManifest(dir: string): Promise<ZooManifest | null> {
  try {
    return parseZooManifest(JSON.parse(await readFile(join(dir, ZOO_MANIFEST), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Read-modify-write of the manifest under a lock file, so parallel processes keep each other's entries. */
async function addEntry(dir: string, seed: number, entry: ZooEntry): Promise<void> {
  const lock = join(dir, `${ZOO_MANIFEST}.lock`);
  for (;;) {
    try {
      await (await open(lock, 'wx')).close();
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    const path = join(dir, ZOO_MANIFEST);
    const manifest: ZooManifest = (await readManifest(dir)) ?? {
      version: ZOO_MANIFEST_VERSION,
      format: 'float16-le',
      seed,
      target: ZOO_TARGET,
      entries: [],
    };
    if (manifest.seed !== seed)
      throw new Error(`${path} was trained with seed ${manifest.seed}, not ${seed}`);
    manifest.target = ZOO_TARGET;
    const order = (e: ZooEntry): number => TASK_IDS.indexOf(e.task) * 3 + MODEL_SIZES.indexOf(e.size);
    manifest.entries = [...manifest.entries.filter((e) => order(e) !== order(entry)), entry].sort(
      (a, b) => order(a) - order(b),
    );
    await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 1)}\n`);
    await rename(`${path}.tmp`, path);
  } finally {
    await rm(lock, { force: true });
  }
}

/** The smallest held-out gap among the task's shipped smaller sizes (Infinity when there is none). */
async function smallerSizesGap(dir: string, task: string, size: ModelSize): Promise<number> {
  const manifest = await readManifest(dir);
  if (!manifest) return Infinity;
  const smaller = MODEL_SIZES.slice(0, MODEL_SIZES.indexOf(size));
  return Math.min(
    Infinity,
    ...manifest.entries.filter((e) => e.task === task && smaller.includes(e.size)).map((e) => e.figures.gap),
  );
}

const pct = (x: number): string => (100 * x).toFixed(1);

/** The zoo's figures as Markdown: one row per checkpoint, then its step-0 and corpus rates. */
export function reportTable(manifest: ZooManifest): string {
  const lines = [
    '| task | size | steps | time (s) | held-out loss | grammar entropy | gap | max log-prob change (float16) | step-0 rubric | corpus rubric | reached |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const e of manifest.entries) {
    const f = e.figures;
    lines.push(
      `| ${e.task} | ${e.size} | ${f.steps} | ${f.seconds.toFixed(0)} | ${f.loss.toFixed(4)} | ${f.entropy.toFixed(4)} | ${f.gap.toFixed(4)} | ${f.maxLogProbChange.toExponential(1)} | ${f.step0RubricScore.toFixed(3)} | ${f.baseRubricScore.toFixed(3)} | ${f.reached ? 'yes' : 'no'} |`,
    );
  }
  lines.push(
    '',
    '| task | size | step-0 rate / corpus rate per default criterion (%) |',
    '| --- | --- | --- |',
  );
  for (const e of manifest.entries) {
    const f = e.figures;
    const rates = f.criteria.map((id, k) => `${id} ${pct(f.step0[k])} / ${pct(f.base[k])}`).join(', ');
    lines.push(`| ${e.task} | ${e.size} | ${rates} |`);
  }
  const bytes = manifest.entries.reduce((n, e) => n + e.bytes, 0);
  lines.push('', `${manifest.entries.length} checkpoints, ${(bytes / 1e6).toFixed(2)} MB in all (float16).`);
  return lines.join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      tasks: { type: 'string' },
      sizes: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      dir: { type: 'string' },
      'max-steps': { type: 'string' },
      report: { type: 'boolean' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const tasks = parseListOr('--tasks', values.tasks, TASK_IDS, TASK_IDS);
  const sizes = parseListOr('--sizes', values.sizes, MODEL_SIZES, MODEL_SIZES);
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0)
    throw new UsageError(`--seed: expected an integer >= 0, got "${values.seed}"`);
  const backend = parseCpuBackend(values.backend);
  const maxSteps = parseCount('--max-steps', values['max-steps'], 1);
  const dir = values.dir ?? join('public', 'zoo');
  if (values.report) {
    const manifest = await readManifest(dir);
    if (!manifest) {
      console.error(`zoo: no ${join(dir, ZOO_MANIFEST)} to report (train the zoo first)`);
      return 1;
    }
    console.log(reportTable(manifest));
    return 0;
  }
  await mkdir(dir, { recursive: true });
  await useBackend(backend);
  let missed = 0;
  for (const size of sizes as ModelSize[])
    for (const id of tasks) {
      const log = (line: string): void => console.error(`${new Date().toISOString().slice(11, 19)} ${line}`);
      const schedule = { ...ZOO_SCHEDULES[size] };
      if (maxSteps !== undefined) schedule.maxSteps = Math.min(schedule.maxSteps, maxSteps);
      const atMostGap = await smallerSizesGap(dir, id, size);
      if (atMostGap < ZOO_TARGET.maxGap)
        log(`${id}/${size}: stops at a gap of at most ${atMostGap.toFixed(4)} (its smaller sizes')`);
      const { bytes, layout, figures } = await trainBase(getTask(id), size, {
        seed,
        schedule,
        atMostGap,
        onCheck: log,
      });
      const file = `${id}-${size}.bin`;
      await writeFile(join(dir, file), bytes);
      const { task: _t, size: _s, ...rest } = figures;
      await addEntry(dir, seed, {
        task: id,
        size,
        file,
        sha256: await sha256(bytes),
        bytes: bytes.length,
        layout,
        figures: rest,
      });
      if (!figures.reached) missed++;
      console.log(
        `${id}/${size}: ${figures.reached ? 'reached' : 'NOT reached'} in ${figures.steps} steps, ` +
          `${figures.seconds.toFixed(0)} s; gap ${figures.gap.toFixed(4)}; step-0 rubric ` +
          `${figures.step0RubricScore.toFixed(3)} (corpus ${figures.baseRubricScore.toFixed(3)})`,
      );
    }
  if (missed) console.log(`${missed} checkpoint(s) did not reach the target within their step cap.`);
  return 0;
}
