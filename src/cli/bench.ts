/**
 * `npm run bench`: milliseconds per RL step (sampling, scoring, update) and rollout tokens per
 * second for the default medium preset, on the cpu and wasm backends in Node; with
 * `--where browser|all`, also in headless Chromium (see bench-browser.ts).
 */
import { parseChoice, parseCommand, parseList, UsageError } from './args';
import { MODEL_SIZES, type ModelSize } from '../core/experiment/schema';
import { useBackend, webgpuAdapter } from './backend-node';
import { benchConfig, benchSteps, type StepBenchResult } from '../core/train/bench';
import { BROWSER_BACKENDS, DEFAULT_BROWSER_BACKENDS, type BrowserBackend } from './bench-page/protocol';
// The report needs only tables; bench-browser (vite, playwright) is imported below only for
// --where browser|all, so the Node benchmark runs where neither is installed (a packed copy on a
// lent GPU machine, scripts/device-pack.sh).
import { browserProblems, formatBrowserReport, type BrowserBenchReport } from './bench-report';
import { BACKEND_CHOICES, parseCount, type CliBackend } from './experiment-file';
import { table } from './tables';
import * as tf from '@tensorflow/tfjs';
import { findChromium } from './chromium';

/** Node backends of the benchmark: the command line's, and TF.js's own webgpu path beside the fused engine. */
export const BENCH_BACKENDS = [...BACKEND_CHOICES, 'webgpu-tfjs', 'wasm-fused'] as const;
type BenchBackend = (typeof BENCH_BACKENDS)[number];

export const USAGE = `Usage: npm run bench -- [options]

Options:
  --where <place>     node, browser or all (default: node); the browser is headless Chromium:
                      $CHROMIUM_PATH, a system Chromium or Chrome, else the npm dev dependency
                      @sparticuz/chromium; never downloaded
  --backends <list>   in Node, comma-separated, from ${BENCH_BACKENDS.join(', ')} (default: cpu,wasm);
                      webgpu trains with the fused WebGPU engine, webgpu-tfjs with TF.js's own
                      webgpu kernels (the path before the fused engine, for comparison),
                      wasm-fused with the fused wasm SIMD kernels (TF.js on wasm for the rest)
  --browser-backends <list>
                      in the browser, from ${BROWSER_BACKENDS.join(', ')} (default:
                      ${DEFAULT_BROWSER_BACKENDS.join(',')}); wasm trains with the fused wasm engine
                      as the app does, wasm-tfjs with TF.js's own wasm kernels
  --threads <list>    browser: the fused wasm engine's kernel threads, comma-separated (e.g. 1,2):
                      each wasm case runs once per count, at most one per logical core (the bench
                      page is cross-origin isolated); default: the app's, one thread
                      (KERNEL_THREADS_BY_DEFAULT in workers/fused-wasm.ts); Node runs on one
  --sizes <list>      comma-separated, from ${MODEL_SIZES.join(', ')} (default: medium)
  --steps <N>         timed steps per case, after the warm-up (default 8 in Node, 3 in the browser)
  --warmup <N>        warm-up steps per case (default 2 in Node, 1 in the browser)
  --tensor-steps <N>  browser: steps of a tiny run whose tensor count must stay flat (default 1000;
                      0 skips)
  --tensor-backend <b>
                      browser: the backend of the tiny run and of the long-task check (default wasm)
  --longtask-seconds <N>
                      browser: seconds of training watched for main-thread long tasks (default 5;
                      0 skips)
  --first-minute-seconds <N>
                      browser: the "first minute": in a fresh profile, the app's default preset,
                      Run pressed; seconds to the first RL step and to every run done, waiting at
                      most N s (default 300; 0 skips)
  --profile           in Node, also time every kernel and print launches and milliseconds per step
                      by kernel kind (slows the step a little): TF.js's kernels and the fused wasm
                      engine's exports, with its dense products' GFLOP/s
  --tf-flags <list>   in Node, TensorFlow.js flags set after each backend starts, as
                      NAME=VALUE pairs separated by commas (numbers and true/false are read as
                      such), e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64; each name must be a flag
                      the backend registered
  --json              print the results as JSON instead of a table

In the browser it also reports the gzip size of the app's initial JavaScript (a production build)
and fails (exit 1) if that holds TensorFlow.js or if the tiny run's tensor count grows.`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      where: { type: 'string', default: 'node' },
      backends: { type: 'string', default: 'cpu,wasm' },
      'browser-backends': { type: 'string', default: DEFAULT_BROWSER_BACKENDS.join(',') },
      warmup: { type: 'string' },
      'tensor-steps': { type: 'string', default: '1000' },
      'tensor-backend': { type: 'string', default: 'wasm' },
      'longtask-seconds': { type: 'string', default: '5' },
      'first-minute-seconds': { type: 'string', default: '300' },
      sizes: { type: 'string', default: 'medium' },
      threads: { type: 'string', default: '' },
      steps: { type: 'string' },
      json: { type: 'boolean' },
      profile: { type: 'boolean' },
      'tf-flags': { type: 'string', default: '' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const backends = parseList<BenchBackend>('--backends', values.backends, BENCH_BACKENDS);
  const sizes = parseList<ModelSize>('--sizes', values.sizes, MODEL_SIZES);
  const steps = parseCount('--steps', values.steps, 1);
  const where = parseChoice(
    values.where,
    ['node', 'browser', 'all'] as const,
    '--where: use node, browser or all',
  );
  const warmup = parseCount('--warmup', values.warmup);
  const tfFlags = parseTfFlags(values['tf-flags']);
  const inNode = where !== 'browser';
  const inBrowser = where !== 'node';

  let browser: BrowserBenchReport | null = null;
  if (inBrowser) {
    const browserBackends = parseList<BrowserBackend>(
      '--browser-backends',
      values['browser-backends'],
      BROWSER_BACKENDS,
    );
    // The long-task check trains in the app itself, so one of the app's own backends.
    const tensorBackend = parseChoice<BrowserBackend>(
      values['tensor-backend'],
      DEFAULT_BROWSER_BACKENDS,
      `--tensor-backend: use one of ${DEFAULT_BROWSER_BACKENDS.join(', ')}`,
    );
    const threads = parseThreads(values.threads);
    const tensorSteps = parseCount('--tensor-steps', values['tensor-steps']);
    const longTaskSeconds = parseCount('--longtask-seconds', values['longtask-seconds']);
    const firstMinuteSeconds = parseCount('--first-minute-seconds', values['first-minute-seconds']);
    const found = await findChromium().catch((error: unknown) => (error instanceof Error ? error : null));
    if (!found || found instanceof Error) {
      console.error(found?.message ?? 'no Chromium found');
      return 2;
    }
    console.error(`Chromium (${found.source}): ${found.path}`);
    const { benchBrowser } = await import('./bench-browser');
    browser = await benchBrowser({
      chromium: found.path,
      backends: browserBackends,
      sizes,
      threads,
      steps: steps ?? 3,
      warmup: warmup ?? 1,
      tensorSteps: tensorSteps ?? 1000,
      tensorBackend,
      longTaskSeconds: longTaskSeconds ?? 5,
      firstMinuteSeconds: firstMinuteSeconds ?? 300,
      log: (line) => console.error(line),
    });
  }
  // A flag is known only once its backend has registered it, so a wrong name is refused there.
  const results = inNode
    ? await benchNode(backends, sizes, steps ?? 8, warmup ?? 2, values.profile === true, tfFlags)
    : [];
  const problems = browser ? browserProblems(browser) : [];
  for (const p of problems) console.error(`problem: ${p}`);
  const code = problems.length ? 1 : 0;
  if (values.json) {
    const node = webgpuAdapter() ? results.map((r) => ({ ...r, adapter: webgpuAdapter() })) : results;
    console.log(JSON.stringify(inBrowser ? (inNode ? { node, browser } : browser) : node, null, 1));
    return code;
  }
  if (inNode) console.log(formatNode(results, warmup ?? 2, webgpuAdapter()));
  if (browser) console.log(`${inNode ? '\n' : ''}${formatBrowserReport(browser, warmup ?? 1)}`);
  return code;
}

async function benchNode(
  backends: readonly BenchBackend[],
  sizes: readonly ModelSize[],
  steps: number,
  warmup: number,
  profile: boolean,
  tfFlags: readonly TfFlag[],
): Promise<StepBenchResult[]> {
  const results: StepBenchResult[] = [];
  for (const choice of backends) {
    const backend: CliBackend =
      choice === 'webgpu-tfjs' ? 'webgpu' : choice === 'wasm-fused' ? 'wasm' : choice;
    await useBackend(backend);
    const unknown = tfFlags.find(([name]) => !isRegistered(name));
    if (unknown)
      throw new UsageError(`--tf-flags: ${unknown[0]} is not a TensorFlow.js flag of the ${backend} backend`);
    for (const [name, value] of tfFlags) tf.env().set(name, value);
    if (tfFlags.length)
      console.error(`TensorFlow.js flags on ${backend}: ${tfFlags.map((f) => f.join('=')).join(', ')}`);
    for (const size of sizes) {
      console.error(`benchmarking ${size} on ${choice} ...`);
      // wasm: TF.js's own kernels, the comparison for wasm-fused (Node's default on wasm).
      const engine =
        choice === 'wasm-fused'
          ? 'wasm-fused'
          : choice === 'webgpu-tfjs' || choice === 'wasm'
            ? 'tfjs'
            : 'auto';
      results.push(await benchSteps(benchConfig(size), steps, warmup, profile, engine));
    }
  }
  return results;
}

/** `--threads`: kernel thread counts of 1 to 4 (the engine's cap), or none for the default. */
function parseThreads(value: string): number[] {
  if (value.trim() === '') return [];
  return value.split(',').map((item) => {
    const n = Number(item.trim());
    if (!Number.isInteger(n) || n < 1 || n > 4)
      throw new UsageError(`--threads: "${item}" is not a whole number of threads from 1 to 4`);
    return n;
  });
}

type TfFlag = [string, number | boolean];

/** Whether TF.js has registered a flag of this name (setting an unregistered one throws). */
const isRegistered = (name: string): boolean =>
  (tf.env() as unknown as { flagRegistry: Record<string, unknown> }).flagRegistry[name] !== undefined;

/**
 * `NAME=VALUE,...` into pairs; a number or true/false only (no string flags: none is needed). An
 * item that is not one throws a `UsageError` naming it.
 */
export function parseTfFlags(value: string): TfFlag[] {
  if (value.trim() === '') return [];
  const flags: TfFlag[] = [];
  for (const item of value.split(',')) {
    const m = /^\s*([A-Z][A-Z0-9_]*)=(true|false|-?\d+(?:\.\d+)?)\s*$/.exec(item);
    if (!m)
      throw new UsageError(
        `--tf-flags: "${item}" is not NAME=VALUE with an upper-case name and a number or true/false`,
      );
    flags.push([m[1], m[2] === 'true' ? true : m[2] === 'false' ? false : Number(m[2])]);
  }
  return flags;
}

function formatNode(results: readonly StepBenchResult[], warmup: number, adapter: string | null): string {
  const f = (x: number) => x.toFixed(1);
  const lines = [
    table(
      [
        'backend',
        'engine',
        'size',
        'rollouts',
        'ms/step',
        'sample',
        'score',
        'update',
        'tokens/s',
        'reads/step',
        'launches/step',
        'GFLOP/s',
        'tensor growth',
      ],
      results.map((r) => [
        r.backend,
        r.engine,
        r.size,
        String(r.rollouts),
        f(r.msStep),
        f(r.msSample),
        f(r.msScore),
        f(r.msUpdate),
        r.tokensPerSecond.toFixed(0),
        String(r.readsPerStep),
        String(r.launchesPerStep),
        r.gflopsPerSecond.toFixed(1),
        String(r.tensorGrowth),
      ]),
    ),
  ];
  const cpu = results.filter((r) => r.backend === 'cpu');
  const wasm = results.filter((r) => r.backend === 'wasm' && r.engine === 'tfjs');
  for (const w of wasm) {
    const c = cpu.find((r) => r.size === w.size);
    if (c) lines.push(`${w.size}: wasm is ${(c.msStep / w.msStep).toFixed(1)}x faster than cpu per step`);
  }
  for (const f of results.filter((r) => r.engine === 'wasm-fused')) {
    const w = wasm.find((r) => r.size === f.size);
    if (w)
      lines.push(`${f.size}: the fused wasm engine is ${(w.msStep / f.msStep).toFixed(2)}x wasm's speed`);
  }
  for (const g of results.filter((r) => r.engine === 'webgpu-fused')) {
    const w = wasm.find((r) => r.size === g.size);
    const t = results.find((r) => r.size === g.size && r.backend === 'webgpu' && r.engine === 'tfjs');
    const parts = [`${g.size}: the fused webgpu engine takes ${g.dispatchesPerStep} dispatches per step`];
    if (t)
      parts.push(`TF.js's webgpu path ${t.launchesPerStep} (${(t.msStep / g.msStep).toFixed(1)}x the time)`);
    if (w) parts.push(`and is ${(w.msStep / g.msStep).toFixed(2)}x wasm's speed`);
    lines.push(parts.join('; '));
  }
  if (adapter) lines.push(`webgpu adapter: ${adapter}`);
  for (const r of results.filter((x) => x.profile)) lines.push('', formatProfile(r));
  lines.push(
    `medians after ${warmup} warm-up steps; task meadow, 8 prompts x 8 rollouts, focal, no warm start`,
    `GFLOP/s: the step's dense products and attention counted from its shapes (${results
      .map((r) => `${r.size} ${(r.flopsPerStep / 1e9).toFixed(3)}`)
      .filter((x, i, all) => all.indexOf(x) === i)
      .join(', ')} GFLOP), the same work for every backend, over ms/step`,
  );
  return lines.join('\n');
}

/**
 * Launches and milliseconds per step by kernel kind, with the share of all kernel time, and GFLOP/s
 * where a kernel's work is counted (the fused wasm engine's dense products).
 */
function formatProfile(r: StepBenchResult): string {
  const rows = r.profile ?? [];
  const total = rows.reduce((s, x) => s + x.ms, 0);
  return [
    `kernels per step, ${r.size} on ${r.backend}: ${r.launchesPerStep} launches, ${total.toFixed(1)} ms in kernels of ${r.msStep.toFixed(1)} ms per step`,
    table(
      ['kernel', 'launches', 'ms', 'share', 'GFLOP/s'],
      rows.map((x) => [
        x.kernel,
        x.launches.toFixed(0),
        Number.isNaN(x.ms) ? '-' : x.ms.toFixed(2),
        `${((100 * x.ms) / Math.max(total, 1e-9)).toFixed(1)}%`,
        x.flops === undefined || !(x.ms > 0) ? '' : (x.flops / x.ms / 1e6).toFixed(1),
      ]),
    ),
  ].join('\n');
}
