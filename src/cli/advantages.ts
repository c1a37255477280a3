/**
 * `lab advantages <scores.json> --method <name> [focal options]`: the reward core on one batch.
 * Reads `{"scores": [[...]], "groups": [...], "weights": [...], "judge"?: [...], "state"?: {...}}`
 * and prints `{"advantages", "weights", "saturation", "state"}` as one JSON line.
 */
import { readFile } from 'node:fs/promises';
import { inputError, parseCommand, UsageError } from './args';
import { rawProblems } from '../core/input/raw';
import { parseJsonBytes } from '../core/input/text';
import { computeAdvantages, validateAdvantageInput, METHODS } from '../core/reward';
import type { Problem } from '../core/validation';

/** Largest scores file read. */
const MAX_SCORES_FILE_BYTES = 64 * 1024 * 1024;

export const USAGE = `Usage: npm run lab -- advantages <scores.json> --method <${METHODS.join('|')}> [options]

  scores.json   {"scores": [[r_1, ..., r_K], ...], "groups": [id, ...], "weights": [w_1, ..., w_K],
                 "judge"?: [{"fp": a, "fn": b}, ...], "state"?: {"ema": [...], "steps": n}}

Options (defaults as in docs/algorithms.md):
  --method <name>                  aggregator (required)
  --gamma <g>                      focal exponent on (1 - saturation), sa-mrpo and focal (2)
  --beta <b>                       EMA momentum of the saturation, focal (0.9)
  --alpha-min <a>                  floor of a focal coefficient, as a share of w_k (0.05)
  --warmup <steps>                 steps over which focal's coefficients are the weights (0)
  --base <group|saturation>        baseline of each criterion's signal, focal (group)
  --scale <group-std|snr|none>     scale of each criterion's signal, focal (group-std)
  --norm <batch|group>             final standardisation, focal (batch)
  --projection <on|off>            inverse reward projection through the judge rates, focal (on)

Prints {"advantages": [...], "weights": [...], "saturation": [...], "state": ...}; pass "state"
back in the next file to carry focal's saturation across steps. Exit code 2 on bad input.`;

/** Flags that carry a method setting, by their key in the method config. */
const FLAGS = {
  method: '--method',
  gamma: '--gamma',
  beta: '--beta',
  alphaMin: '--alpha-min',
  warmup: '--warmup',
  base: '--base',
  scale: '--scale',
  norm: '--norm',
  projection: '--projection',
} as const;
const NUMERIC = ['gamma', 'beta', 'alphaMin', 'warmup'] as const;
const NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/** A problem in the merged request, named as the user wrote it: a flag, or a path in the file. */
const nameProblem = (file: string, p: Problem): string => {
  const [head, key] = p.path.split('.');
  if (head === 'config' && key && key in FLAGS) return `${FLAGS[key as keyof typeof FLAGS]}: ${p.message}`;
  return `${file}: ${p.path || '(root)'}: ${p.message}`;
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      method: { type: 'string' },
      gamma: { type: 'string' },
      beta: { type: 'string' },
      'alpha-min': { type: 'string' },
      warmup: { type: 'string' },
      base: { type: 'string' },
      scale: { type: 'string' },
      norm: { type: 'string' },
      projection: { type: 'string' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(`expected one scores file, got ${positionals.length}`);
  if (values.method === undefined)
    throw new UsageError(`--method is required (one of ${METHODS.join(', ')})`);

  const config: Record<string, unknown> = { method: values.method };
  const raw = {
    gamma: values.gamma,
    beta: values.beta,
    alphaMin: values['alpha-min'],
    warmup: values.warmup,
  };
  for (const key of NUMERIC) {
    const text = raw[key];
    if (text === undefined) continue;
    if (!NUMBER.test(text.trim())) throw new UsageError(`${FLAGS[key]}: expected a number, got "${text}"`);
    config[key] = Number(text);
  }
  for (const key of ['base', 'scale', 'norm'] as const)
    if (values[key] !== undefined) config[key] = values[key];
  if (values.projection !== undefined) {
    if (values.projection !== 'on' && values.projection !== 'off')
      throw new UsageError(`--projection: expected on or off, got "${values.projection}"`);
    config.projection = values.projection === 'on';
  }

  const file = positionals[0];
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return inputError(`${file}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  // The same strict decoding and raw checks as an experiment file (see src/core/input/).
  const json = parseJsonBytes(bytes, MAX_SCORES_FILE_BYTES);
  if (!json.ok) return inputError(`${file}: ${json.problems[0].message}`);
  const data = json.value;
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return inputError(`${file}: expected a JSON object with "scores", "groups" and "weights"`);
  const rawInput = rawProblems(data);
  if (rawInput.length > 0) return inputError(rawInput.map((p) => nameProblem(file, p)).join('\n'));
  if ('config' in data) return inputError(`${file}: config: method settings come from flags, not the file`);

  const input = validateAdvantageInput({ ...data, config });
  if (!input.ok) {
    const lines = input.problems.map((p) => nameProblem(file, p)).join('\n');
    // A bad flag value is a usage error; a bad file is bad input.
    if (input.problems.some((p) => p.path.startsWith('config'))) throw new UsageError(lines);
    return inputError(lines);
  }

  const out = computeAdvantages(input.value);
  console.log(
    JSON.stringify({
      advantages: Array.from(out.advantages),
      weights: out.weights,
      saturation: out.saturation,
      state: out.state,
    }),
  );
  return 0;
}
