/**
 * `auto` chosen by measurement: each available backend trains a few RL steps of the run's own model
 * in a probe worker (workers/probe.worker.ts), one backend at a time, with the engine a run there
 * would get (fused kernels on webgpu and wasm), and the fastest per step wins.
 * Hardware GPUs are tried first and software ones (SwiftShader, llvmpipe, WARP) last; a probe that
 * runs past its time is terminated and counts as slower than that. The result is cached in this
 * browser per app version and model size, and re-measured on request.
 */
import * as Comlink from 'comlink';
import type { ExperimentCore, ModelSize } from '../core/experiment/schema';
import type { EngineName } from '../core/engine/types';
import { timingConfig } from '../core/experiment/timing';
import type { GpuInfo, ProbeMeasure, ProbeService } from '../../workers/protocol';
import { version } from '../../package.json';

export type ProbedBackend = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendFigure {
  backend: ProbedBackend;
  /** Measured: ms per RL step after the first; null when skipped or cut off (see `note`). */
  msStep: number | null;
  msInit: number | null;
  msFirstStep: number | null;
  /** The engine the probe trained with (fused kernels on webgpu and wasm); null when not measured. */
  engine: EngineName | null;
  software: boolean;
  note: string | null;
}

export interface BackendChoiceResult {
  /** Backends fastest first; the ones that did not finish their probe follow in trial order. */
  order: ProbedBackend[];
  figures: BackendFigure[];
  size: ModelSize;
  /** When measured (ISO time), and how long the whole probe took. */
  measuredAt: string;
  msTotal: number;
  appVersion: string;
}

/** Timed steps per backend after the first (which compiles). */
const PROBE_STEPS = 2;
/** Time for one backend's probe, and for all of them; a software GPU gets what is left. */
const PER_BACKEND_MS = 2500;
const TOTAL_MS = 6000;

const cacheKey = (size: ModelSize): string => `focal-lab:backend-choice:${version}:${size}`;

export function cachedChoice(size: ModelSize): BackendChoiceResult | null {
  try {
    const text = typeof localStorage === 'undefined' ? null : localStorage.getItem(cacheKey(size));
    if (!text) return null;
    const value = JSON.parse(text) as BackendChoiceResult;
    return value.appVersion === version && Array.isArray(value.order) && value.order.length > 0
      ? value
      : null;
  } catch {
    return null;
  }
}

function store(result: BackendChoiceResult): void {
  try {
    localStorage.setItem(cacheKey(result.size), JSON.stringify(result));
  } catch {
    // Storage blocked or full: measured again next time.
  }
}

export function forgetChoices(): void {
  try {
    for (const key of Object.keys(localStorage))
      if (key.startsWith('focal-lab:backend-choice:')) localStorage.removeItem(key);
  } catch {
    // Nothing stored.
  }
}

type ProbeFactory = () => { service: Comlink.Remote<ProbeService>; terminate(): void };

const probeWorker: ProbeFactory = () => {
  const worker = new Worker(new URL('../../workers/probe.worker.ts', import.meta.url), {
    type: 'module',
    name: 'backend probe',
  });
  return { service: Comlink.wrap<ProbeService>(worker), terminate: () => worker.terminate() };
};

const timeout = (ms: number) => new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), ms));

/** Probes one backend in a fresh worker; null with a note when it fails or runs out of time. */
async function probe(
  factory: ProbeFactory,
  backend: ProbedBackend,
  config: ExperimentCore,
  ms: number,
): Promise<ProbeMeasure | string> {
  const { service, terminate } = factory();
  try {
    const result = await Promise.race([service.measure(backend, config, PROBE_STEPS), timeout(ms)]);
    return result === 'timeout' ? `not done within ${(ms / 1000).toFixed(1)} s` : result;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    terminate();
  }
}

/** The order in which backends are probed: hardware GPUs, wasm, cpu, then software GPUs. */
export function trialOrder(gpus: { webgpu: GpuInfo; webgl: GpuInfo }): ProbedBackend[] {
  const hardware = (['webgpu', 'webgl'] as const).filter((b) => gpus[b].available && !gpus[b].software);
  const software = (['webgpu', 'webgl'] as const).filter((b) => gpus[b].available && gpus[b].software);
  return [...hardware, 'wasm', 'cpu', ...software];
}

/** The figure of a backend that was not measured, and why. */
function unprobed(backend: BackendFigure['backend'], software: boolean, note: string): BackendFigure {
  return { backend, msStep: null, msInit: null, msFirstStep: null, engine: null, software, note };
}

/** Measures every backend for this run's model and caches the ranking. */
export async function measureBackends(
  config: ExperimentCore,
  factory: ProbeFactory = probeWorker,
): Promise<BackendChoiceResult> {
  const start = performance.now();
  const probeConfig = timingConfig(config);
  const gpus = await (async () => {
    const { service, terminate } = factory();
    try {
      return await service.gpus();
    } finally {
      terminate();
    }
  })();
  const figures: BackendFigure[] = [];
  for (const backend of trialOrder(gpus)) {
    const software = backend === 'webgpu' || backend === 'webgl' ? gpus[backend].software : false;
    const left = TOTAL_MS - (performance.now() - start);
    // A software GPU is probed only with time to spare: its shaders alone take minutes here.
    if (left < 500) {
      figures.push(unprobed(backend, software, 'not probed: time up'));
      continue;
    }
    const result = await probe(factory, backend, probeConfig, Math.min(PER_BACKEND_MS, left));
    if (typeof result === 'string') {
      figures.push(unprobed(backend, software, result));
      continue;
    }
    const gpu = backend === 'webgpu' || backend === 'webgl' ? gpus[backend] : null;
    figures.push({
      backend,
      msStep: result.msStep,
      msInit: result.msInit,
      msFirstStep: result.msFirstStep,
      engine: result.engine,
      software,
      note: software && gpu ? `software GPU: ${gpu.description}` : null,
    });
  }
  for (const b of ['webgpu', 'webgl'] as const)
    if (!gpus[b].available)
      figures.push({
        backend: b,
        msStep: null,
        msInit: null,
        msFirstStep: null,
        engine: null,
        software: false,
        note: gpus[b].description,
      });
  const measured = figures.filter((f) => f.msStep !== null).sort((a, b) => a.msStep! - b.msStep!);
  const rest = figures.filter((f) => f.msStep === null && !f.note?.startsWith('no ')).map((f) => f.backend);
  const result: BackendChoiceResult = {
    order: [...measured.map((f) => f.backend), ...rest.filter((b) => !measured.some((m) => m.backend === b))],
    figures,
    size: config.model.size,
    measuredAt: new Date().toISOString(),
    msTotal: performance.now() - start,
    appVersion: version,
  };
  if (result.order.length === 0) result.order = ['cpu'];
  store(result);
  return result;
}
