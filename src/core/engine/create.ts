/**
 * Which engine trains: the fused WebGPU engine whenever TF.js runs on webgpu (unless `tfjs` is
 * asked for), the fused wasm engine when `wasm-fused` is asked for (and for `auto` on wasm where
 * {@link setFusedWasmDefault} says so: Node's entry points and the page's workers), TF.js ops
 * everywhere else (the cpu backend always). Takes ownership of `policy`: the TF.js engine keeps it
 * and a frozen copy as the reference; the fused engine copies its weights into its arenas and
 * frees it.
 */
import * as tf from '@tensorflow/tfjs';
import { clonePolicy, disposePolicy, getWeights, type Policy } from '../policy/model';
import { tfjsEngine } from './tfjs';
import type { EngineChoice, PolicyEngine } from './types';
import { WasmFusedEngine } from './wasm/engine';
import type { FusedWasmThreads } from './wasm/threads';
import { FusedWebgpuEngine } from './webgpu/engine';

/** TF.js's own GPUDevice when the active backend is webgpu, else null. */
export function tfjsWebgpuDevice(): GPUDevice | null {
  if (tf.getBackend() !== 'webgpu') return null;
  return (tf.backend() as unknown as { device?: GPUDevice }).device ?? null;
}

let fusedOnWasm = false;

/**
 * Whether `auto` makes the fused wasm engine where TF.js runs on wasm. Node's entry points
 * (cli/backend-node.ts) and the page's training workers (workers/fused-wasm.ts) turn it on; off,
 * as in unit tests that do not ask, `auto` on wasm is TF.js ops.
 */
export function setFusedWasmDefault(on: boolean): void {
  fusedOnWasm = on;
}

let wasmThreads: FusedWasmThreads | undefined;

/**
 * Kernel threads for the fused wasm engines made from now on (wasm/threads.ts): the page's workers
 * set them where the page is cross-origin isolated; unset (Node, tests), the engine runs on one.
 */
export function setFusedWasmThreads(threads: FusedWasmThreads | undefined): void {
  wasmThreads = threads;
}

export async function createEngine(policy: Policy, lr: number, choice: EngineChoice): Promise<PolicyEngine> {
  if (choice === 'wasm-fused' || (choice === 'auto' && fusedOnWasm && tf.getBackend() === 'wasm')) {
    return adopt(
      await WasmFusedEngine.create(policy.config, { lr, epsilon: tf.backend().epsilon() }, wasmThreads),
      policy,
    );
  }
  const device = choice === 'auto' ? tfjsWebgpuDevice() : null;
  if (!device) return tfjsEngine(policy, clonePolicy(policy), lr);
  return adopt(new FusedWebgpuEngine(device, policy.config, { lr, epsilon: tf.backend().epsilon() }), policy);
}

/** A fused engine takes the policy's weights as its own and the reference's; the TF.js variables go. */
async function adopt(engine: PolicyEngine, policy: Policy): Promise<PolicyEngine> {
  const weights = await getWeights(policy);
  engine.setWeights('policy', weights);
  engine.setWeights('reference', weights);
  disposePolicy(policy);
  return engine;
}
