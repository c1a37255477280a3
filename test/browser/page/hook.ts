/**
 * `window.__focalLab`: the typed run commands, for browser tests, on the test page only (the app
 * has no such hook). It drives the app's run pool; its workers are the app's trainer worker plus a
 * crash command (trainer.worker.ts here), and a run may carry test-only faults, which no
 * experiment from a link or a file can.
 */
import { BACKENDS, type BackendChoice } from '../../../src/core/experiment/schema';
import { parseConfig } from '../../../src/core/experiment/resolve';
import type { LiveEdit, TrainerFaults } from '../../../src/core/train/types';
import { RunPool } from '../../../src/client/pool';
import type { RunView } from '../../../src/core/records/run';
import type { Speed } from '../../../workers/protocol';
import { wrapTrainerWorker, type WorkerFactory } from '../../../src/client/worker-handle';
import { CRASH_MESSAGE } from './crash';

export interface TestRunInput {
  id: string;
  name?: string;
  /** An experiment core as in a file; validated and defaulted like one. */
  config: unknown;
  seed?: number;
  backend?: BackendChoice;
  autoStart?: boolean;
  /** Faults to inject (test-only; see `TrainerHooks.faults`). */
  faults?: TrainerFaults;
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

/** The pool's worker factory, with the test's faults added to each run and its worker kept for `crash`. */
function testWorkers(faults: Map<string, TrainerFaults>, workers: Map<string, Worker>): WorkerFactory {
  return (name) => {
    const worker = new Worker(new URL('./trainer.worker.ts', import.meta.url), { type: 'module', name });
    const handle = wrapTrainerWorker(worker);
    return {
      ...handle,
      init(spec, sink, options) {
        workers.set(spec.id, worker);
        return handle.init(spec, sink, { ...options, faults: faults.get(spec.id) });
      },
    };
  };
}

export function createTestHook(): FocalLabTestHook {
  const faults = new Map<string, TrainerFaults>();
  const workers = new Map<string, Worker>();
  const pool = new RunPool({ factory: testWorkers(faults, workers) });
  return {
    add(input) {
      const parsed = parseConfig(input.config);
      if (!parsed.ok) return { ok: false, problems: parsed.problems.map((p) => `${p.path}: ${p.message}`) };
      const backend = input.backend ?? parsed.value.backend;
      if (!BACKENDS.includes(backend)) return { ok: false, problems: [`backend: unknown "${backend}"`] };
      if (input.faults) faults.set(input.id, input.faults);
      pool.add(
        { id: input.id, name: input.name ?? input.id, config: parsed.value, seed: input.seed ?? 1, backend },
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
    crash: (id) => workers.get(id)?.postMessage({ [CRASH_MESSAGE]: true }),
  };
}
