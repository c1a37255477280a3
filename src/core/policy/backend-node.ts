/**
 * Backend setup for Node (command line, benchmarks, tests). The core modules never import this:
 * a Web Worker registers and selects its own backends.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

export type NodeBackend = 'cpu' | 'wasm';

/**
 * Select `cpu` (pure JavaScript, bit-reproducible) or `wasm` (several times faster). The wasm
 * package's Node build finds its `.wasm` files next to itself, so no `setWasmPaths` is needed.
 */
export async function useBackend(name: NodeBackend): Promise<void> {
  if (tf.getBackend() === name) return;
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`useBackend: the ${name} backend failed to initialise`);
  await tf.ready();
}
