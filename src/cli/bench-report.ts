/** The browser bench's report: its shape, the text printed, and the problems that fail the run. */
import type { ModelSize } from '../core/experiment/schema';
import type { BenchStepsResult, BenchTensorsResult } from './bench-page/protocol';
import type { InitialJs } from './bench-build';
import type { FirstMinute, LongTasks } from './bench-probes';
import { table } from './tables';

export interface BrowserBenchReport {
  browser: string;
  steps: BenchStepsResult[];
  /** Cases that threw: backend, size and the message. */
  failures: { backend: string; size: ModelSize; error: string }[];
  tensors: BenchTensorsResult | null;
  longTasks: LongTasks | null;
  /** Run pressed at once, then after the page was open a while (it prepares ahead, see src/app/state/prepare.svelte.ts). */
  firstMinute: FirstMinute[];
  initialJs: InitialJs;
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
        'engine',
        'threads',
        'size',
        'rollouts',
        'ms/step',
        'sample',
        'score',
        'update',
        'tokens/s',
        'reads/step',
        'GFLOP/s',
      ],
      report.steps.map(({ requested, backend, result: r }) => [
        requested,
        backend,
        r.engine,
        r.engineThreads === undefined ? '' : String(r.engineThreads),
        r.size,
        String(r.rollouts),
        f(r.msStep),
        f(r.msSample),
        f(r.msScore),
        f(r.msUpdate),
        r.tokensPerSecond.toFixed(0),
        String(r.readsPerStep),
        r.gflopsPerSecond.toFixed(1),
      ]),
    ),
    `medians of ${report.steps[0]?.result.steps ?? 0} steps after ${warmup} warm-up; task meadow, focal, no warm start`,
  ];
  // Each run on several threads against the run on one just before it (--threads 1,2,1,2 pairs them).
  report.steps.forEach((f, i) => {
    if ((f.result.engineThreads ?? 1) <= 1) return;
    const one = report.steps
      .slice(0, i)
      .reverse()
      .find(
        (s) =>
          s.result.engine === f.result.engine &&
          s.result.size === f.result.size &&
          s.result.engineThreads === 1,
      );
    if (one)
      lines.push(
        `${f.result.size}: the fused wasm engine on ${f.result.engineThreads} threads is ` +
          `${(one.result.msStep / f.result.msStep).toFixed(2)}x its speed on 1 (the run before it)`,
      );
  });
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
