/**
 * Backend selection inside the worker. 'auto' tries WebGPU, WebGL (on an OffscreenCanvas), WASM and
 * CPU in that order; an explicit choice tries that one first and then the others in the same order.
 * Every skipped backend leaves one line saying why, for the UI.
 */
import * as tf from '@tensorflow/tfjs-core';
// CPU and WebGL come with the trainer's `@tensorflow/tfjs` anyway; WebGPU and WASM load on demand.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-webgl';
import type { BackendChoice } from '../src/core/experiment/schema';
import type { BackendInfo } from '../src/core/records/run';
import type { GpuInfo } from './protocol';
import wasmPlainUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export type BackendName = Exclude<BackendChoice, 'auto'>;
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** How long one backend may take to initialise before we give up on it. */
const INIT_TIMEOUT_MS = 30_000;

/** `order`: for 'auto', the ranking measured by the page's backend probe (src/client/backend-choice.ts). */
export function candidates(choice: BackendChoice, order: readonly BackendName[] = []): BackendName[] {
  if (choice === 'auto') {
    const measured = order.filter((b) => BACKEND_ORDER.includes(b));
    return [...new Set([...measured, ...BACKEND_ORDER])];
  }
  return [choice, ...BACKEND_ORDER.filter((b) => b !== choice)];
}

/** Minimal WebGPU typing: the worker lib of this TypeScript has no WebGPU declarations. */
interface GpuLike {
  requestAdapter(): Promise<unknown | null>;
}

class Skip extends Error {}

export interface SelectOptions {
  /** For 'auto': the backends fastest first, as measured; the others follow in the default order. */
  order?: readonly BackendName[];
  /** Threads for the wasm backend where threads are possible (default: one per logical core). */
  wasmThreads?: number;
}

async function prepare(name: BackendName, options: SelectOptions): Promise<void> {
  switch (name) {
    case 'webgpu': {
      const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
      if (!gpu) throw new Skip('navigator.gpu is missing (no WebGPU in this browser or context)');
      const adapter = await gpu.requestAdapter();
      if (!adapter) throw new Skip('requestAdapter() returned no WebGPU adapter');
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    }
    case 'webgl':
      if (typeof OffscreenCanvas === 'undefined') throw new Skip('no OffscreenCanvas in this worker');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // The threaded build is used only where SharedArrayBuffer exists, i.e. in a cross-origin
      // isolated page (COOP + COEP headers); elsewhere the SIMD or plain build, single-threaded.
      wasm.setWasmPaths({
        'tfjs-backend-wasm.wasm': wasmPlainUrl,
        'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl,
      });
      wasm.setThreadsCount(wasmThreads(options.wasmThreads));
      return;
    }
    case 'cpu':
      return;
  }
}

/** Threads for XNNPACK: as asked, else one per logical core; never fewer than 1. */
function wasmThreads(asked?: number): number {
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(cores, asked ?? cores));
}

/** What the wasm backend ended up with (only meaningful after `tf.setBackend('wasm')`). */
async function wasmDetail(): Promise<Pick<BackendInfo, 'threads' | 'simd' | 'isolated'>> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  // XNNPACK's own count: tfjs caps it below the cores asked for (on 2 logical cores it gives 1).
  return { threads: threaded && simd ? wasm.getThreadsCount() : 1, simd, isolated: self.crossOriginIsolated };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Skip(`${what} timed out after ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** One small op read back, so that a backend that initialises but cannot compute is caught here. */
async function smokeTest(): Promise<void> {
  const t = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.scalar(1)));
  const values = await t.data();
  t.dispose();
  if (values[0] !== 2 || values[1] !== 3)
    throw new Skip(`computes wrong values (${values[0]}, ${values[1]})`);
}

async function tryBackend(name: BackendName, options: SelectOptions): Promise<void> {
  await prepare(name, options);
  const ok = await withTimeout(tf.setBackend(name), INIT_TIMEOUT_MS, `tf.setBackend('${name}')`);
  if (!ok) throw new Skip(`tf.setBackend('${name}') resolved false (the backend failed to initialise)`);
  await smokeTest();
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Activates exactly this backend (no fallback); throws why it cannot. */
export async function activateBackend(name: BackendName, options: SelectOptions = {}): Promise<void> {
  await tryBackend(name, options);
}

const SOFTWARE_GPU = /swiftshader|llvmpipe|softpipe|lavapipe|\bwarp\b|basic render|software/i;

/** WebGPU's adapter and WebGL's renderer, and whether each is a software rasteriser. */
export async function describeGpus(): Promise<{ webgpu: GpuInfo; webgl: GpuInfo }> {
  let webgpu: GpuInfo = { available: false, software: false, description: 'no navigator.gpu' };
  const gpu = (navigator as unknown as { gpu?: GpuLike }).gpu;
  if (gpu) {
    const adapter = (await gpu.requestAdapter().catch(() => null)) as {
      info?: Record<string, string>;
    } | null;
    if (!adapter) webgpu = { available: false, software: false, description: 'no WebGPU adapter' };
    else {
      const info = adapter.info ?? {};
      const description =
        [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') ||
        'unknown';
      webgpu = { available: true, software: SOFTWARE_GPU.test(description), description };
    }
  }
  let webgl: GpuInfo = { available: false, software: false, description: 'no OffscreenCanvas' };
  if (typeof OffscreenCanvas !== 'undefined') {
    const gl = (new OffscreenCanvas(1, 1).getContext('webgl2') ??
      new OffscreenCanvas(1, 1).getContext('webgl')) as WebGLRenderingContext | null;
    if (!gl) webgl = { available: false, software: false, description: 'no WebGL context' };
    else {
      const debug = gl.getExtension('WEBGL_debug_renderer_info');
      const description = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
      webgl = { available: true, software: SOFTWARE_GPU.test(description), description };
      gl.getExtension('WEBGL_lose_context')?.loseContext();
    }
  }
  return { webgpu, webgl };
}

/** Picks and activates a backend; throws only if even the CPU backend fails. */
export async function selectBackend(
  choice: BackendChoice,
  options: SelectOptions = {},
): Promise<BackendInfo> {
  const fallbacks: string[] = [];
  for (const name of candidates(choice, options.order)) {
    try {
      await tryBackend(name, options);
      const active = tf.getBackend();
      return { name: active, fallbacks, ...(active === 'wasm' ? await wasmDetail() : {}) };
    } catch (error) {
      fallbacks.push(`${name}: ${describe(error)}`);
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${fallbacks.join('; ')}`);
}

/**
 * Calls `onLost` if the active backend's GPU device is lost (WebGPU's `device.lost`, WebGL's
 * context loss). A device destroyed on purpose (disposal) is not reported.
 */
export function watchDeviceLoss(onLost: (reason: string) => void): void {
  const backend = tf.backend() as unknown as {
    device?: { lost?: Promise<{ reason?: string; message?: string }> };
    gpgpu?: { gl?: { canvas?: { addEventListener?: (type: string, cb: () => void) => void } } };
  };
  const lost = backend.device?.lost;
  if (lost) {
    void lost.then((info) => {
      if (info.reason === 'destroyed') return;
      onLost(`GPU device lost${info.message ? `: ${info.message}` : ''}`);
    });
  }
  backend.gpgpu?.gl?.canvas?.addEventListener?.('webglcontextlost', () => onLost('WebGL context lost'));
}
