/**
 * `lab rates <file>`: each criterion's pass rate and mean score on the task's corpus and on the
 * starting policy's samples, before any training, so that a rubric's imbalance is known before a
 * budget is spent.
 */
import { resolveVariants } from '../core/experiment/resolve';
import { useBackend } from './backend-node';
import { baseRates, type BaseRates } from '../core/train/base-rates';
import { inputError, parseCommand, UsageError } from './args';
import { loadExperiment, parseCount, parseCpuBackend } from './experiment-file';
import { runLabel } from './run';
import { table } from './tables';

export const USAGE = `Usage: npm run lab -- rates <experiment.json> [options]

For each criterion of the rubric: the pass rate (share of outputs scoring 1) and the mean score on
the task's corpus (the sentences the starting policy learned from) and on samples of the starting
policy on the held-out prompts, with exact scores (no judge noise). No training.

Options:
  --backend <wasm|cpu>   TensorFlow.js backend in Node (wasm)
  --seed <S>             seed of the starting policy and its corpus (default: the file's first seed)
  --variant <name>       which variant's rubric and task (default: the first, or the base)
  --samples <N>          samples per held-out prompt, 1 to 64 (default 32)
Exit code 2 on a bad file, a missing file or a bad option.`;

const percent = (x: number) => (Number.isNaN(x) ? 'off' : `${(100 * x).toFixed(1)}%`);
const score = (x: number) => (Number.isNaN(x) ? 'off' : x.toFixed(3));

/** Below this pass rate a criterion is rarely met at the start; above the other, nearly solved. */
const RARE = 0.05;
const SATURATED = 0.9;

export function formatRates(rates: BaseRates): string {
  const rows = rates.ids.map((id, k) => [
    `${rates.names[k]} (${id})`,
    rates.kinds[k],
    rates.enabled[k] ? String(rates.weights[k]) : 'off',
    percent(rates.corpus.pass[k]),
    score(rates.corpus.mean[k]),
    percent(rates.policy.pass[k]),
    score(rates.policy.mean[k]),
  ]);
  rows.push(['all pass', '', '', percent(rates.corpus.allPass), '', percent(rates.policy.allPass), '']);
  const header = ['criterion', 'kind', 'weight', 'corpus pass', 'corpus mean', 'policy pass', 'policy mean'];
  const notes = rates.ids.flatMap((id, k) => {
    const p = rates.policy.pass[k];
    if (!rates.enabled[k] || Number.isNaN(p)) return [];
    if (p < RARE)
      return [`  ${id}: met by ${percent(p)} of the starting policy's outputs; rarely rewarded at first`];
    if (p > SATURATED)
      return [`  ${id}: met by ${percent(p)} already; little left to learn, and its weight is mostly spent`];
    return [];
  });
  return [
    table(header, rows),
    `corpus: ${rates.corpus.count} sentences; policy: ${rates.policy.count} samples on the held-out prompts`,
    ...(notes.length ? ['imbalance:', ...notes] : []),
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      backend: { type: 'string' },
      seed: { type: 'string' },
      variant: { type: 'string' },
      samples: { type: 'string' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('Expected exactly one experiment file.');
  const backend = parseCpuBackend(values.backend);
  const seed = parseCount('--seed', values.seed);
  const samples = parseCount('--samples', values.samples, 1);
  if (samples !== undefined && samples > 64)
    throw new UsageError(`--samples: expected at most 64, got ${samples}`);

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
  const runSeed = seed ?? experiment.seeds[0];
  await useBackend(backend);
  console.error(
    `${runLabel(experiment, variant.name)}: task ${variant.config.task}, ${variant.config.model.size} starting policy, seed ${runSeed}, ${backend} backend`,
  );
  console.log(formatRates(await baseRates(variant.config, runSeed, samples ?? 32)));
  return 0;
}
