/**
 * A dedicated module worker that trains one run. It exposes `TrainerService` with Comlink; the main
 * thread's sink hears only batched updates (see run-loop.ts). Imports core code, tfjs backends and
 * the browser stores of src/web only.
 */
import * as Comlink from 'comlink';
import { createTrainer } from '../src/core/train/trainer';
import type { RunSpec } from '../src/core/records/run';
import type { Checkpoint, LiveEdit } from '../src/core/train/types';
import { setZooSource } from '../src/core/zoo/source';
import { warmStartStore } from '../src/web/warm-start-store';
import { fetchZooSource } from '../src/web/zoo-fetch';
import { selectBackend, watchDeviceLoss } from './backend';
import './fused-wasm';
import { DEFAULT_LOOP_OPTIONS, type InitOptions, type RunSink, type TrainerService } from './protocol';
import { RunLoop } from './run-loop';

/** Warm-start progress is reported at most this often. */
const PROGRESS_INTERVAL_MS = 100;

// public/ sits at the site root, one level above this script's folder (workers/ in dev, assets/ built).
setZooSource(fetchZooSource(new URL('../', import.meta.url)));

let loop: Promise<RunLoop> | null = null;
let sink: RunSink | null = null;

function send(update: Parameters<RunSink['batch']>[0]): void {
  if (sink) void Promise.resolve(sink.batch(update)).catch(() => undefined);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function boot(spec: RunSpec, options: InitOptions): Promise<RunLoop> {
  send({ status: 'starting', reason: 'selecting a backend', metrics: [], evals: [] });
  const backend = await selectBackend(spec.backend, { order: spec.backendOrder });
  send({
    backend,
    reason: spec.config.base === 'zoo' ? 'loading the base policy' : 'warm start 0%',
    metrics: [],
    evals: [],
  });

  let lastProgress = 0;
  const trainer = await createTrainer(spec.config, spec.seed, {
    onWarmStart: (progress) => {
      const now = performance.now();
      if (progress < 1 && now - lastProgress < PROGRESS_INTERVAL_MS) return;
      lastProgress = now;
      send({ reason: `warm start ${Math.round(progress * 100)}%`, metrics: [], evals: [] });
    },
    warmStartStore: warmStartStore(backend.name),
    faults: options.faults,
  });
  if (options.checkpoint) await trainer.restore(options.checkpoint);
  // On webgpu and wasm a fused engine trains; the header says which engine the run got.
  const kernelThreads = trainer.engineThreads;
  send({
    backend: { ...backend, engine: trainer.engine, ...(kernelThreads ? { kernelThreads } : {}) },
    metrics: [],
    evals: [],
  });

  const { checkpoint: _checkpoint, autoStart, faults: _faults, ...loopOptions } = options;
  const run = new RunLoop(
    trainer,
    sink!,
    { ...DEFAULT_LOOP_OPTIONS, ...loopOptions },
    spec.config.eval.every,
  );
  watchDeviceLoss((reason) => run.fail(reason));
  await run.begin();
  if (autoStart) run.start();
  return run;
}

async function current(): Promise<RunLoop> {
  if (!loop) throw new Error('the trainer worker was not initialised');
  return loop;
}

const service: TrainerService = {
  async init(spec: RunSpec, runSink: RunSink, options: InitOptions = {}) {
    if (loop) throw new Error('this worker already trains a run');
    sink = runSink;
    loop = boot(spec, options);
    try {
      await loop;
    } catch (error) {
      send({ status: 'failed', reason: `could not start: ${describe(error)}`, metrics: [], evals: [] });
      throw error;
    }
  },
  async start() {
    (await current()).start();
  },
  async pause() {
    await (await current()).pause();
  },
  async singleStep() {
    await (await current()).singleStep();
  },
  async stop() {
    await (await current()).stop();
  },
  async setSpeed(speed) {
    (await current()).setSpeed(speed);
  },
  async edit(edit: LiveEdit) {
    return (await current()).edit(edit);
  },
  async snapshot() {
    const snapshot = await (await current()).snapshot();
    return Comlink.transfer(
      snapshot,
      snapshot.weights.map((w) => w.values.buffer as ArrayBuffer),
    );
  },
  async checkpoint() {
    return (await current()).checkpoint();
  },
  async restoreFrom(checkpoint: Checkpoint) {
    await (await current()).restoreFrom(checkpoint);
  },
};

// An error that escapes a promise chain would otherwise go unnoticed by the main thread.
self.addEventListener('unhandledrejection', (event) => {
  send({ status: 'failed', reason: `worker error: ${describe(event.reason)}`, metrics: [], evals: [] });
});

Comlink.expose(service);
