/**
 * `npm run bench`: milliseconds per RL step (sampling, scoring, update) and rollout tokens per
 * second for the default medium preset, on the cpu and wasm backends in Node.
 */
import { parseArgs } from 'node:util';
import { MODEL_SIZES, type ModelSize } from '../core/experiment/schema';
import { useBackend } from '../core/policy/backend-node';
import { benchConfig, benchSteps, type StepBenchResult } from '../core/train/bench';
import { BACKEND_CHOICES, parseCount, type CliBackend } from './experiment-file';
import { table } from './tables';

export const USAGE = `Usage: npm run bench -- [options]

Options:
  --backends <list>   comma-separated, from ${BACKEND_CHOICES.join(', ')} (default: cpu,wasm)
  --sizes <list>      comma-separated, from ${MODEL_SIZES.join(', ')} (default: medium)
  --steps <N>         timed steps per case, after 2 warm-up steps (default 8)
  --json              print the results as JSON instead of a table`;

const fail = (message: string): number => {
  console.error(`${message}\n\n${USAGE}`);
  return 2;
};

function parseList<T extends string>(flag: string, value: string, allowed: readonly T[]): T[] | string {
  const items = value.split(',').map((s) => s.trim());
  const bad = items.find((s) => !(allowed as readonly string[]).includes(s));
  return bad === undefined ? (items as T[]) : `${flag}: unknown value "${bad}"; use ${allowed.join(', ')}`;
}

export async function run(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        backends: { type: 'string', default: 'cpu,wasm' },
        sizes: { type: 'string', default: 'medium' },
        steps: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const backends = parseList<CliBackend>('--backends', values.backends, BACKEND_CHOICES);
  if (typeof backends === 'string') return fail(backends);
  const sizes = parseList<ModelSize>('--sizes', values.sizes, MODEL_SIZES);
  if (typeof sizes === 'string') return fail(sizes);
  const steps = parseCount('--steps', values.steps, 1);
  if (typeof steps === 'string') return fail(steps);

  const results: StepBenchResult[] = [];
  for (const backend of backends) {
    await useBackend(backend);
    for (const size of sizes) {
      console.error(`benchmarking ${size} on ${backend} ...`);
      results.push(await benchSteps(benchConfig(size), steps ?? 8));
    }
  }
  if (values.json) {
    console.log(JSON.stringify(results, null, 1));
    return 0;
  }
  const f = (x: number) => x.toFixed(1);
  console.log(
    table(
      [
        'backend',
        'size',
        'rollouts',
        'ms/step',
        'sample',
        'score',
        'update',
        'tokens/s',
        'reads/step',
        'tensor growth',
      ],
      results.map((r) => [
        r.backend,
        r.size,
        String(r.rollouts),
        f(r.msStep),
        f(r.msSample),
        f(r.msScore),
        f(r.msUpdate),
        r.tokensPerSecond.toFixed(0),
        String(r.readsPerStep),
        String(r.tensorGrowth),
      ]),
    ),
  );
  const cpu = results.filter((r) => r.backend === 'cpu');
  for (const w of results.filter((r) => r.backend === 'wasm')) {
    const c = cpu.find((r) => r.size === w.size);
    if (c) console.log(`${w.size}: wasm is ${(c.msStep / w.msStep).toFixed(1)}x faster than cpu per step`);
  }
  console.log('medians after 2 warm-up steps; task meadow, 8 prompts x 8 rollouts, focal, no warm start');
  return 0;
}
