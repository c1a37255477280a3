/**
 * The bench's probes in headless Chromium: RL steps and the tensor count on the bench page, a new
 * user's first minute in the app, and main-thread long tasks while the app trains.
 */
import type { Browser, Page } from 'playwright-core';
import { experimentSchema } from '../core/experiment/schema';
import { encodeExperiment, hashFor } from '../core/share/codec';
import type { BrowserBackend } from './bench-page/protocol';

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

/** Seconds a user reads the page before pressing Run, in the second first-minute measurement. */
export const FIRST_MINUTE_READ_SECONDS = 5;

/** The "first minute": the app's default preset, Run pressed in a fresh browser profile. */
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

export async function benchPage(browser: Browser, url: string): Promise<Page> {
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
export async function firstMinute(
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
export async function longTasks(
  browser: Browser,
  url: string,
  seconds: number,
  backend: BrowserBackend,
): Promise<LongTasks> {
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
