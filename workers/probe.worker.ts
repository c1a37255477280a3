/**
 * The backend probe, in its own module worker (never on the page's main thread): what kind of GPU
 * stands behind WebGPU and WebGL (a software one such as SwiftShader, llvmpipe or WARP is tried
 * last), and a few RL steps of the run's own model on one backend, timed, with the engine that
 * would train there (the fused wasm kernels on wasm, see fused-wasm.ts). The page starts one such
 * worker per backend, so that each starts from a clean TensorFlow.js and a stuck one (a software
 * GPU compiling shaders) can be terminated.
 */
import * as Comlink from 'comlink';
import type { ExperimentCore } from '../src/core/experiment/schema';
import { createTrainer } from '../src/core/train/trainer';
import { activateBackend, describeGpus } from './backend';
import './fused-wasm';
import type { ProbeService } from './protocol';

const service: ProbeService = {
  gpus: describeGpus,
  async measure(backend, config: ExperimentCore, steps) {
    const start = performance.now();
    await activateBackend(backend);
    const trainer = await createTrainer(config, 1);
    try {
      const ready = performance.now();
      await trainer.step(); // compiles kernels or shaders, grows buffers: timed apart
      const first = performance.now();
      for (let i = 0; i < steps; i++) await trainer.step();
      const end = performance.now();
      return {
        backend,
        msInit: ready - start,
        msFirstStep: first - ready,
        msStep: (end - first) / Math.max(1, steps),
        engine: trainer.engine,
      };
    } finally {
      trainer.dispose();
    }
  },
};

Comlink.expose(service);
