/**
 * The browser part of `npm run bench` (`--where browser|all`), in headless Chromium (never
 * downloaded: CHROMIUM_PATH, a system browser or the npm one, see chromium.ts): builds and serves
 * the bench page and the app (bench-build.ts), then runs the probes (bench-probes.ts) and returns
 * their report (bench-report.ts): milliseconds per RL step on the cpu, wasm, webgl and webgpu
 * backends (bench-page/, with the app's backend selection); the tensor count after many steps of a
 * tiny run; long tasks on the app's main thread while a run trains; a new user's first minute; and
 * the gzip size of the app's initial JavaScript.
 */
import { chromium, type Browser } from 'playwright-core';
import type { ModelSize } from '../core/experiment/schema';
import {
  APP_CONFIG,
  APP_DIST,
  BENCH_DIST,
  BENCH_PAGE_CONFIG,
  buildApp,
  buildBenchPage,
  initialJs,
  serve,
} from './bench-build';
import type { BenchStepsResult, BenchTensorsResult, BrowserBackend } from './bench-page/protocol';
import {
  FIRST_MINUTE_READ_SECONDS,
  benchPage,
  firstMinute,
  longTasks,
  type FirstMinute,
  type LongTasks,
} from './bench-probes';
import type { BrowserBenchReport } from './bench-report';
import { WEBGPU_ARGS as CHROMIUM_ARGS } from './chromium';

export interface BrowserBenchOptions {
  /** The browser binary (chromium.ts `findChromium()`). */
  chromium: string;
  backends: readonly BrowserBackend[];
  sizes: readonly ModelSize[];
  /** The fused wasm engine's kernel threads: each wasm case once per count (empty: the page's default). */
  threads: readonly number[];
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

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0];

export async function benchBrowser(options: BrowserBenchOptions): Promise<BrowserBenchReport> {
  const { log } = options;
  log('building the bench page and the app ...');
  await buildBenchPage();
  await buildApp();
  const initial = await initialJs(APP_DIST);

  const bench = await serve(BENCH_PAGE_CONFIG, BENCH_DIST);
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
      // Kernel threads matter only where the fused wasm engine trains.
      const counts = backend === 'wasm' && options.threads.length > 0 ? options.threads : [0];
      for (const size of options.sizes)
        for (const threads of counts) {
          log(
            `benchmarking ${size} on ${backend}${threads ? ` (${threads} kernel threads)` : ''} in Chromium (${options.warmup} + ${options.steps} steps) ...`,
          );
          try {
            const r = await page.evaluate(
              ([b, s, n, w, t]) => window.__bench!.steps(b, s, n, w, t || undefined),
              [backend, size, options.steps, options.warmup, threads] as const,
            );
            if (r.backend !== (backend === 'wasm-tfjs' ? 'wasm' : backend))
              log(`  ${backend} fell back to ${r.backend}: ${r.fallbacks.join('; ')}`);
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
      app = await serve(APP_CONFIG, APP_DIST);
      lt = await longTasks(browser, app.url, options.longTaskSeconds, options.tensorBackend);
    }
    const fm: FirstMinute[] = [];
    if (options.firstMinuteSeconds > 0) {
      app ??= await serve(APP_CONFIG, APP_DIST);
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
