/**
 * Backend setup for Node (command line, benchmarks, tests). The core modules never import this:
 * a Web Worker registers and selects its own backends.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { setFusedWasmDefault } from '../core/engine/create';

// In Node the wasm backend trains with the fused wasm SIMD engine (engine/wasm), which matches
// TF.js's step (test/unit/engine/fused-wasm.test.ts) and is faster than TF.js's own wasm kernels.
setFusedWasmDefault(true);

export type NodeBackend = 'cpu' | 'wasm' | 'webgpu';

/**
 * Select `cpu` (pure JavaScript, bit-reproducible), `wasm` (several times faster; the trainer's
 * `auto` engine is then the fused wasm engine) or `webgpu`
 * (Dawn's Node binding; needs a Vulkan loader and driver in the environment, see
 * src/cli/vulkan.ts). The wasm package's Node build finds its `.wasm` files next to itself, so no
 * `setWasmPaths` is needed.
 */
export async function useBackend(name: NodeBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  // Once per process: a second Dawn instance beside the first crashes Dawn's Node binding.
  if (name === 'webgpu') await (webgpuRegistered ??= registerNodeWebgpu());
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`useBackend: the ${name} backend failed to initialise`);
  await tf.ready();
}

let adapterDescription: string | null = null;
let webgpuRegistered: Promise<void> | null = null;

/** Vendor, architecture and device of the WebGPU adapter in use, once webgpu was selected. */
export function webgpuAdapter(): string | null {
  return adapterDescription;
}

/**
 * WebGPU in Node on Dawn's `navigator.gpu`. TF.js's webgpu package registers its backend on import
 * when it sees `navigator.gpu`; where it does not, it is registered here with the same request.
 */
async function registerNodeWebgpu(): Promise<void> {
  const { create, globals } = await import('webgpu');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const nav = (globalThis as { navigator?: object }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new Error(
      'useBackend: no WebGPU adapter in Node: Dawn found no Vulkan driver. Run through `npm run lab` or `npm run bench`, which find one (src/cli/vulkan.ts), or see docs/performance.md',
    );
  const info = adapter.info;
  adapterDescription =
    [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') || 'unknown';
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  if (tf.findBackendFactory('webgpu')) return;
  tf.registerBackend(
    'webgpu',
    async () => {
      const limits = adapter.limits;
      const device = await adapter.requestDevice({
        requiredLimits: {
          maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
          maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
          maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
          maxBufferSize: limits.maxBufferSize,
          maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
          maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
        },
      });
      return new WebGPUBackend(device, info);
    },
    1,
  );
}
