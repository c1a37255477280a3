/**
 * Helpers for the browser tests: open the built app with its test hook and drive runs through the
 * hook's typed commands (window.__focalLab, on the test page only: see page/hook.ts).
 */
import { expect, type ConsoleMessage, type Page } from '@playwright/test';
import { experimentSchema, type Experiment } from '../../src/core/experiment/schema';
import type { TestRunInput } from './page/hook';
import type { RunStatus, RunView } from '../../src/core/records/run';
import type { PolicyCheckBackend, PolicyCheckResult } from './page/policy-check';

/** A run small enough to warm-start and step in seconds on SwiftShader or the CPU backend. */
export function tinyConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    task: 'meadow',
    model: { size: 'small' },
    method: { method: 'static' },
    sampling: { groupSize: 2, promptsPerStep: 2 },
    warmStart: { steps: 3, batchSize: 8, corpusSize: 64 },
    steps: 1000,
    eval: { every: 0, samples: 1 },
    ...overrides,
  };
}

export async function openLab(page: Page): Promise<void> {
  await page.goto('/');
  await page.waitForFunction(() => window.__focalLab !== undefined);
}

export async function addRun(page: Page, input: TestRunInput): Promise<void> {
  const result = await page.evaluate((run) => window.__focalLab!.add(run), input);
  expect(result).toEqual({ ok: true });
}

export function view(page: Page, id: string): Promise<RunView> {
  return page.evaluate((runId) => window.__focalLab!.view(runId)!, id);
}

export async function steps(page: Page, id: string): Promise<number> {
  return page.evaluate((runId) => window.__focalLab!.view(runId)?.metrics.at(-1)?.step ?? 0, id);
}

/** Waits until the run has at least `n` metric records. */
export async function waitForSteps(page: Page, id: string, n: number, timeout = 60_000): Promise<void> {
  await page.waitForFunction(
    ([runId, count]) => {
      const v = window.__focalLab!.view(runId as string);
      if (v?.status === 'failed') throw new Error(`run failed: ${v.reason}`);
      if (v?.status === 'paused' && v.reason) throw new Error(`run paused: ${v.reason}`);
      return (v?.metrics.length ?? 0) >= (count as number);
    },
    [id, n] as const,
    { timeout, polling: 100 },
  );
}

export async function waitForStatus(
  page: Page,
  id: string,
  status: RunStatus,
  timeout = 60_000,
): Promise<void> {
  await page.waitForFunction(
    ([runId, wanted]) => window.__focalLab!.view(runId)?.status === wanted,
    [id, status] as const,
    { timeout, polling: 100 },
  );
}

/** Waits until the worker has reported its backend (before the warm start). */
export async function waitForBackend(page: Page, id: string, timeout = 60_000): Promise<void> {
  await page.waitForFunction((runId) => window.__focalLab!.view(runId)?.backend != null, id, {
    timeout,
    polling: 100,
  });
}

export function trainerWorkers(page: Page): string[] {
  return page
    .workers()
    .map((w) => w.url())
    .filter((url) => url.includes('trainer.worker'));
}

/** Opens the policy check page (window.__policyCheck, see page/policy-check.ts). */
export async function openPolicyCheck(page: Page): Promise<void> {
  await page.goto('/policy-check.html');
  await page.waitForFunction(() => window.__policyCheck !== undefined);
}

/** Warm-starts the check's policy in a fresh worker on `backend` and returns its log-probabilities. */
export function checkPolicy(page: Page, backend: PolicyCheckBackend): Promise<PolicyCheckResult> {
  return page.evaluate((b) => window.__policyCheck!.run(b), backend);
}

/**
 * A whole experiment (as a share link carries it) small enough to warm-start and finish in
 * seconds: one focal run of 6 steps on the diary task.
 */
export function tinyExperiment(overrides: Record<string, unknown> = {}): Experiment {
  return experimentSchema.parse({
    version: 2,
    name: 'Shared tiny experiment',
    task: 'diary',
    model: { size: 'small' },
    backend: 'cpu',
    sampling: { groupSize: 2, promptsPerStep: 2 },
    warmStart: { steps: 3, batchSize: 8, corpusSize: 64 },
    steps: 6,
    eval: { every: 3, samples: 1 },
    seeds: [4],
    variants: [{ name: 'focal', overrides: { method: { method: 'focal' } } }],
    ...overrides,
  });
}

/** Every warning and error the page, its workers or the browser report, with where it came from. */
export function watchConsole(page: Page): string[] {
  const seen: string[] = [];
  const onMessage = (origin: string) => (msg: ConsoleMessage) => {
    if (msg.type() === 'warning' || msg.type() === 'error')
      seen.push(`${origin} ${msg.type()}: ${msg.text()} (${msg.location().url})`);
  };
  page.on('console', onMessage('page'));
  page.on('worker', (worker) => worker.on('console', onMessage(`worker ${worker.url()}`)));
  page.on('pageerror', (error) => seen.push(`page error: ${error.message}`));
  return seen;
}
