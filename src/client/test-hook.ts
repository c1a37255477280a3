/**
 * `window.__focalLab`: the typed run commands, for browser tests. Installed only when the page URL
 * has `?test`. It accepts data only (a run spec whose config goes through the experiment schema)
 * and calls the pool's commands; nothing in it evaluates code, so a link can do no more with it
 * than the UI's own buttons.
 */
import { BACKENDS, experimentCoreSchema, type BackendChoice } from '../core/experiment/schema';
import type { LiveEdit } from '../core/train/types';
import { getRunPool, type RunPool } from './pool';
import type { RunView, Speed } from './types';

export interface TestRunInput {
  id: string;
  name?: string;
  /** An experiment core as in a file; validated and defaulted by the schema. */
  config: unknown;
  seed?: number;
  backend?: BackendChoice;
  autoStart?: boolean;
}

/** What a test can read of a snapshot (weights summarised: typed arrays do not cross to the test). */
export interface SnapshotSummary {
  step: number;
  groups: number;
  weights: { name: string; shape: number[]; size: number; allFinite: boolean }[];
}

export interface FocalLabTestHook {
  add(input: TestRunInput): { ok: true } | { ok: false; problems: string[] };
  start(id: string): void;
  pause(id: string): void;
  singleStep(id: string): void;
  stop(id: string): void;
  setSpeed(id: string, speed: Speed): void;
  edit(id: string, edit: LiveEdit): Promise<{ path: string; message: string }[]>;
  resume(id: string, backend?: BackendChoice): void;
  remove(id: string): void;
  setMaxWorkers(n: number): void;
  liveWorkers(): number;
  views(): RunView[];
  view(id: string): RunView | null;
  checkpointStep(id: string): number | null;
  snapshot(id: string): Promise<SnapshotSummary | null>;
  crash(id: string): void;
}

declare global {
  interface Window {
    __focalLab?: FocalLabTestHook;
  }
}

export function createTestHook(pool: RunPool): FocalLabTestHook {
  return {
    add(input) {
      const parsed = experimentCoreSchema.safeParse(input.config);
      if (!parsed.success) {
        return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) };
      }
      const backend = input.backend ?? parsed.data.backend;
      if (!BACKENDS.includes(backend)) return { ok: false, problems: [`backend: unknown "${backend}"`] };
      pool.add(
        { id: input.id, name: input.name ?? input.id, config: parsed.data, seed: input.seed ?? 1, backend },
        { autoStart: input.autoStart ?? true },
      );
      return { ok: true };
    },
    start: (id) => pool.start(id),
    pause: (id) => pool.pause(id),
    singleStep: (id) => pool.singleStep(id),
    stop: (id) => pool.stop(id),
    setSpeed: (id, speed) => pool.setSpeed(id, speed),
    edit: (id, edit) => pool.edit(id, edit),
    resume: (id, backend) => pool.resume(id, backend),
    remove: (id) => pool.remove(id),
    setMaxWorkers: (n) => pool.setMaxWorkers(n),
    liveWorkers: () => pool.liveWorkers,
    views: () => pool.views(),
    view: (id) => pool.view(id),
    checkpointStep: (id) => pool.checkpointOf(id)?.step ?? null,
    async snapshot(id) {
      const snapshot = await pool.snapshot(id);
      if (!snapshot) return null;
      return {
        step: snapshot.step,
        groups: snapshot.groups.length,
        weights: snapshot.weights.map((w) => ({
          name: w.name,
          shape: w.shape,
          size: w.values.length,
          allFinite: w.values.every(Number.isFinite),
        })),
      };
    },
    crash: (id) => pool.crashForTest(id),
  };
}

/** Installs the hook when the page was opened with `?test`; call once from `src/main.ts`. */
export function installTestHookIfRequested(pool: RunPool = getRunPool()): void {
  if (!new URLSearchParams(window.location.search).has('test')) return;
  window.__focalLab = createTestHook(pool);
}
