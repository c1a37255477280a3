/**
 * The browser part of `npm run bench` (`--where browser|all`): in headless Chromium (never
 * downloaded: CHROMIUM_PATH, a system browser or the npm one, see test/browser/chromium.ts), milliseconds per RL step on the cpu, wasm, webgl
 * and webgpu backends (test/browser/page/bench.html and its worker, with the app's backend
 * selection); the tensor count after many steps of a tiny run; long tasks on the app's main thread
 * while a run trains; and the gzip size of the app's initial JavaScript, which must hold no
 * TensorFlow.js (that belongs to the worker chunk, loaded when a run starts).
 */
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { experimentSchema, type ModelSize } from '../core/experiment/schema';
import { encodeExperiment, hashFor } from '../core/share/codec';
import type { BenchStepsResult, BenchTensorsResult } from '../../test/browser/page/bench';
import { table } from './tables';
import type { BrowserBackend } from './bench';
import { WEBGPU_ARGS as CHROMIUM_ARGS } from '../../test/browser/chromium';

export interface BrowserBenchOptions {
  /** The browser binary (test/browser/chromium.ts `findChromium()`). */
  chromium: string;
  backends: readonly BrowserBackend[];
  sizes: readonly ModelSize[];
  /** Timed steps per case, after `warmup` steps. */
  steps: number;
  warmup: number;
  /** The tensor-count check: this many steps of a tiny run on this backend (0 skips it). */
  tensorSteps: number;
  tensorBackend: BrowserBackend;
  /** Seconds of training observed for long tasks (0 skips it). */
  longTaskSeconds: number;
  /** Longest wait for the default preset's runs in the first-minute check (0 skips it). */
  firstMinuteSeconds: number;
  /** Progress lines (to stderr). */
  log: (line: string) => void;
}

export interface InitialJs {
  /** The JS files `index.html` loads up front: the entry chunk and its static imports. */
  files: { file: string; bytes: number; gzipBytes: number }[];
  bytes: number;
  gzipBytes: number;
  /** TensorFlow.js markers found in those files (must be empty). */
  tfjsMarkers: string[];
  /** The worker chunk, for comparison; the markers must be found there (a check of the check). */
  workerChunk: { file: string; gzipBytes: number; tfjsMarkers: string[] } | null;
}

export interface LongTasks {
  backend: string;
  seconds: number;
  /** RL steps the run made while observed. */
  steps: number;
  /** Main-thread tasks over 50 ms, and their durations in ms. */
  count: number;
  maxMs: number;
  durationsMs: number[];
}

export interface BrowserBenchReport {
  browser: string;
  steps: BenchStepsResult[];
  /** Cases that threw: backend, size and the message. */
  failures: { backend: string; size: ModelSize; error: string }[];
  tensors: BenchTensorsResult | null;
  longTasks: LongTasks | null;
  /** Run pressed at once, then after the page was open a while (it prepares ahead, see prepare.ts). */
  firstMinute: FirstMinute[];
  initialJs: InitialJs;
}

/** Seconds a user reads the page before pressing Run, in the second first-minute measurement. */
export const FIRST_MINUTE_READ_SECONDS = 5;

/** The issue's "first minute": the app's default preset, Run pressed in a fresh browser profile. */
export interface FirstMinute {
  preset: string;
  /** Seconds the page was open before Run was pressed. */
  readSeconds: number;
  /** Seconds from the Run click to the first RL step shown (any run), and to every run done. */
  firstStepSeconds: number;
  allDoneSeconds: number | null;
  runs: { name: string; backend: string; steps: string }[];
  /** How `auto` was resolved (the header's figures), when the preset asks for auto. */
  autoChoice: string | null;
  timeoutSeconds: number;
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_DIST = join(ROOT, 'node_modules/.focal-lab-bench-dist');
const APP_DIST = join(ROOT, 'node_modules/.focal-lab-bench-app-dist');

/**
 * Strings that identify TensorFlow.js in a bundle after minification (from its messages, flag and
 * kernel names; checked against the worker chunk, where they must be found).
 */
const TFJS_MARKERS = ['tfjs', 'tensorflow', 'KEEP_INTERMEDIATE_TENSORS', 'numTensors', 'Conv2D'];

async function buildBenchPage(): Promise<void> {
  await build({
    configFile: join(ROOT, 'test/browser/vite.config.ts'),
    logLevel: 'error',
    build: { outDir: BENCH_DIST, emptyOutDir: true },
  });
}

async function buildApp(): Promise<void> {
  await build({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    build: { outDir: APP_DIST, emptyOutDir: true, manifest: true },
  });
}

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
}

const found = (text: string): string[] => TFJS_MARKERS.filter((m) => text.includes(m));

/** The entry chunk of `index.html` and, transitively, its static imports (not dynamic ones). */
export async function initialJs(dist: string): Promise<InitialJs> {
  const manifest = JSON.parse(await readFile(join(dist, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >;
  if (!manifest['index.html']) throw new Error('the build manifest has no index.html entry');
  const keys = new Set<string>();
  const visit = (key: string) => {
    if (keys.has(key)) return;
    keys.add(key);
    for (const k of manifest[key]?.imports ?? []) visit(k);
  };
  visit('index.html');
  const files: InitialJs['files'] = [];
  const markers = new Set<string>();
  for (const key of keys) {
    const file = manifest[key].file;
    if (!file.endsWith('.js')) continue;
    const buf = await readFile(join(dist, file));
    files.push({ file, bytes: buf.length, gzipBytes: gzipSync(buf).length });
    for (const m of found(buf.toString('utf8'))) markers.add(m);
  }
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  for (const f of files.slice(0, 1))
    if (!html.includes(f.file)) throw new Error(`index.html does not load the entry chunk ${f.file}`);
  const workerFile = (await readdir(join(dist, 'assets'))).find((f) => /^trainer\.worker-.*\.js$/.test(f));
  let workerChunk: InitialJs['workerChunk'] = null;
  if (workerFile) {
    const buf = await readFile(join(dist, 'assets', workerFile));
    workerChunk = {
      file: `assets/${workerFile}`,
      gzipBytes: gzipSync(buf).length,
      tfjsMarkers: found(buf.toString('utf8')),
    };
  }
  return {
    files,
    bytes: files.reduce((s, f) => s + f.bytes, 0),
    gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
    tfjsMarkers: [...markers],
    workerChunk,
  };
}

async function serve(configFile: string, outDir: string): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({
    root: ROOT,
    configFile,
    logLevel: 'error',
    build: { outDir },
    preview: { host: '127.0.0.1', port: 4390, strictPort: false, open: false },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('vite preview gave no local URL');
  return { server, url };
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

async function benchPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  await page.goto(new URL('bench.html', url).href);
  await page.waitForFunction(() => window.__bench !== undefined);
  return page;
}

/**
 * A new user's first minute: a fresh profile (no cached backend choice, no stored warm start), the
 * app's default preset as the first visit shows it, Run pressed; timed from the click to the first
 * RL step in the run list, and to every run done.
 */
async function firstMinute(
  browser: Browser,
  url: string,
  timeoutSeconds: number,
  readSeconds: number,
): Promise<FirstMinute> {
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(url);
    const preset = (await page.locator('.preset-note strong').first().textContent())?.trim() ?? '?';
    await page.waitForTimeout(readSeconds * 1000);
    const rows = page.locator('table.runs tbody tr');
    const started = Date.now();
    await page.getByRole('button', { name: /^▶ Run/ }).click();
    const stepsOf = () =>
      rows.evaluateAll((trs) =>
        trs.map((tr) => {
          const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '');
          return {
            name: cells[1] ?? '',
            status: cells[3] ?? '',
            backend: cells[4] ?? '',
            steps: cells[5] ?? '',
          };
        }),
      );
    const deadline = started + timeoutSeconds * 1000;
    let firstStep: number | null = null;
    let allDone: number | null = null;
    let last: Awaited<ReturnType<typeof stepsOf>> = [];
    while (Date.now() < deadline) {
      last = await stepsOf();
      if (firstStep === null && last.some((r) => /^[1-9]\d*\//.test(r.steps))) firstStep = Date.now();
      if (last.length > 0 && last.every((r) => r.status.startsWith('done'))) {
        allDone = Date.now();
        break;
      }
      if (last.some((r) => r.status.startsWith('failed'))) break;
      await page.waitForTimeout(50);
    }
    const choice = page.locator('header .backend-choice');
    return {
      preset,
      readSeconds,
      firstStepSeconds: firstStep === null ? NaN : (firstStep - started) / 1000,
      allDoneSeconds: allDone === null ? null : (allDone - started) / 1000,
      runs: last.map((r) => ({ name: r.name, backend: r.backend, steps: r.steps })),
      autoChoice: (await choice.count())
        ? ((await choice.textContent())?.replace(/\s+/g, ' ').trim() ?? null)
        : null,
      timeoutSeconds,
    };
  } finally {
    await context.close();
  }
}

/**
 * Trains a tiny run in the app as a user would (a share link, then Run), and records main-thread
 * long tasks. The run's step and backend are read from the run list.
 */
async function longTasks(browser: Browser, url: string, seconds: number, backend: BrowserBackend) {
  const page = await browser.newPage();
  try {
    const experiment = experimentSchema.parse({
      version: 2,
      name: 'Long-task probe',
      task: 'meadow',
      model: { size: 'small' },
      sampling: { groupSize: 2, promptsPerStep: 2 },
      warmStart: { steps: 0 },
      method: { method: 'focal' },
      steps: 100_000,
      backend,
    });
    await page.goto(new URL(hashFor(await encodeExperiment(experiment)), url).href);
    await page.getByRole('button', { name: '▶ Run', exact: true }).click();
    const row = page.locator('table.runs tbody tr').first();
    const cell = async (n: number) => ((await row.locator('td').nth(n).textContent()) ?? '').trim();
    const stepOf = async () => Number(/^(\d+)\//.exec(await cell(5))?.[1] ?? 0);
    const deadline = Date.now() + 120_000;
    while ((await stepOf()) < 1) {
      if ((await cell(3)).startsWith('failed')) throw new Error(`run failed: ${await cell(6)}`);
      if (Date.now() > deadline) throw new Error('the run made no step within 120 s');
      await page.waitForTimeout(100);
    }
    const before = await stepOf();
    const durations = await page.evaluate(
      (ms) =>
        new Promise<number[]>((resolve) => {
          const out: number[] = [];
          const observer = new PerformanceObserver((list) => {
            for (const entry of list.getEntries()) out.push(entry.duration);
          });
          observer.observe({ type: 'longtask' });
          setTimeout(() => {
            observer.disconnect();
            resolve(out);
          }, ms);
        }),
      seconds * 1000,
    );
    const after = await stepOf();
    const used = (await cell(4)).split(/\s/)[0] || '?';
    return {
      backend: used,
      seconds,
      steps: after - before,
      count: durations.length,
      maxMs: durations.length ? Math.max(...durations) : 0,
      durationsMs: durations.map((d) => Math.round(d)),
    };
  } finally {
    await page.close();
  }
}

export async function benchBrowser(options: BrowserBenchOptions): Promise<BrowserBenchReport> {
  const { log } = options;
  log('building the bench page and the app ...');
  await buildBenchPage();
  await buildApp();
  const initial = await initialJs(APP_DIST);

  const bench = await serve(join(ROOT, 'test/browser/vite.config.ts'), BENCH_DIST);
  let app: Awaited<ReturnType<typeof serve>> | null = null;
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({
      executablePath: options.chromium,
      args: CHROMIUM_ARGS,
      headless: true,
    });
    const page = await benchPage(browser, bench.url);
    const steps: BenchStepsResult[] = [];
    const failures: BrowserBenchReport['failures'] = [];
    for (const backend of options.backends) {
      for (const size of options.sizes) {
        log(
          `benchmarking ${size} on ${backend} in Chromium (${options.warmup} + ${options.steps} steps) ...`,
        );
        try {
          const r = await page.evaluate(([b, s, n, w]) => window.__bench!.steps(b, s, n, w), [
            backend,
            size,
            options.steps,
            options.warmup,
          ] as const);
          if (r.backend !== backend) log(`  ${backend} fell back to ${r.backend}: ${r.fallbacks.join('; ')}`);
          steps.push(r);
        } catch (error) {
          failures.push({ backend, size, error: message(error) });
          log(`  failed: ${message(error)}`);
        }
      }
    }
    let tensors: BenchTensorsResult | null = null;
    if (options.tensorSteps > 0) {
      log(`counting tensors over ${options.tensorSteps} steps of a tiny run on ${options.tensorBackend} ...`);
      tensors = await page.evaluate(([b, n]) => window.__bench!.tensors(b, n), [
        options.tensorBackend,
        options.tensorSteps,
      ] as const);
    }
    await page.close();
    let lt: LongTasks | null = null;
    if (options.longTaskSeconds > 0) {
      log(`observing long tasks in the app for ${options.longTaskSeconds} s of training ...`);
      app = await serve(join(ROOT, 'vite.config.ts'), APP_DIST);
      lt = await longTasks(browser, app.url, options.longTaskSeconds, options.tensorBackend);
    }
    const fm: FirstMinute[] = [];
    if (options.firstMinuteSeconds > 0) {
      app ??= await serve(join(ROOT, 'vite.config.ts'), APP_DIST);
      // A teacher who opens a link and presses Run at once, and one who talks for a few seconds first.
      for (const readSeconds of [0, FIRST_MINUTE_READ_SECONDS]) {
        log(
          `first minute: the default preset in a fresh profile, Run after ${readSeconds} s (up to ${options.firstMinuteSeconds} s) ...`,
        );
        fm.push(await firstMinute(browser, app.url, options.firstMinuteSeconds, readSeconds));
      }
    }
    return {
      browser: `Chromium ${browser.version()}`,
      steps,
      failures,
      tensors,
      longTasks: lt,
      firstMinute: fm,
      initialJs: initial,
    };
  } finally {
    await browser?.close();
    await bench.server.close();
    await app?.server.close();
  }
}

const kB = (bytes: number) => (bytes / 1024).toFixed(1);

/** The report as text: a table per backend and size, then the other figures. */
export function formatBrowserReport(report: BrowserBenchReport, warmup: number): string {
  const f = (x: number) => x.toFixed(1);
  const lines = [
    `${report.browser}, headless (WebGL and WebGPU on SwiftShader when there is no GPU)`,
    table(
      [
        'asked',
        'backend',
        'size',
        'rollouts',
        'ms/step',
        'sample',
        'score',
        'update',
        'tokens/s',
        'reads/step',
      ],
      report.steps.map(({ requested, backend, result: r }) => [
        requested,
        backend,
        r.size,
        String(r.rollouts),
        f(r.msStep),
        f(r.msSample),
        f(r.msScore),
        f(r.msUpdate),
        r.tokensPerSecond.toFixed(0),
        String(r.readsPerStep),
      ]),
    ),
    `medians of ${report.steps[0]?.result.steps ?? 0} steps after ${warmup} warm-up; task meadow, focal, no warm start`,
  ];
  for (const r of report.steps)
    if (r.fallbacks.length) lines.push(`${r.requested}: fell back (${r.fallbacks.join('; ')})`);
  for (const x of report.failures) lines.push(`${x.backend} ${x.size}: failed: ${x.error}`);
  const t = report.tensors;
  if (t)
    lines.push(
      `tensors (tiny run on ${t.backend}): ${t.afterFirst} after step 1, ${t.afterLast} after step ${t.steps}` +
        ` (${t.afterFirst === t.afterLast ? 'flat' : 'LEAK'}; ${f(t.msPerStep)} ms/step)`,
    );
  const lt = report.longTasks;
  if (lt)
    lines.push(
      `long tasks (> 50 ms) on the app's main thread in ${lt.seconds} s of training (tiny run on ${lt.backend},` +
        ` ${lt.steps} steps): ${lt.count}${lt.count ? `, longest ${lt.maxMs.toFixed(0)} ms` : ''}`,
    );
  for (const fm of report.firstMinute)
    lines.push(
      `first minute (fresh profile, preset "${fm.preset}", ${fm.runs.length} runs, Run ${fm.readSeconds} s after the page opened): first RL step ` +
        `${fm.firstStepSeconds.toFixed(1)} s after Run (target 2 s), all runs done ` +
        `${fm.allDoneSeconds === null ? `not within ${fm.timeoutSeconds} s` : `${fm.allDoneSeconds.toFixed(1)} s`} (target 15 s)`,
      ...fm.runs.map((r) => `  ${r.name}: ${r.steps} on ${r.backend}`),
      ...(fm.autoChoice ? [`  ${fm.autoChoice}`] : []),
    );
  const js = report.initialJs;
  lines.push(
    `initial JS (${js.files.map((x) => x.file).join(', ')}): ${kB(js.gzipBytes)} kB gzip (${kB(js.bytes)} kB raw); ` +
      (js.tfjsMarkers.length ? `CONTAINS TensorFlow.js (${js.tfjsMarkers.join(', ')})` : 'no TensorFlow.js'),
  );
  if (js.workerChunk)
    lines.push(
      `worker chunk ${js.workerChunk.file}: ${kB(js.workerChunk.gzipBytes)} kB gzip` +
        ` (TensorFlow.js markers: ${js.workerChunk.tfjsMarkers.join(', ') || 'none'})`,
    );
  return lines.join('\n');
}

/** Problems that make the run fail (exit 1): a leak, TensorFlow.js in the initial JS. */
export function browserProblems(report: BrowserBenchReport): string[] {
  const problems: string[] = [];
  const t = report.tensors;
  if (t && t.afterFirst !== t.afterLast)
    problems.push(`tensor count grew from ${t.afterFirst} to ${t.afterLast} over ${t.steps} steps`);
  if (report.initialJs.tfjsMarkers.length)
    problems.push(`the initial JS contains TensorFlow.js (${report.initialJs.tfjsMarkers.join(', ')})`);
  const worker = report.initialJs.workerChunk;
  if (!worker) problems.push('no trainer.worker-*.js chunk in the build');
  else if (!worker.tfjsMarkers.length)
    problems.push(`no TensorFlow.js marker found in ${worker.file} either: the markers need updating`);
  return problems;
}
