/**
 * Device -> CPU reads, counted. Every read in the policy and the update goes through `readBack`
 * (or, in the fused WebGPU engine, `countRead`),
 * so a benchmark (or the trainer) can check how many round trips a step costs.
 */
import * as tf from '@tensorflow/tfjs';

let reads = 0;

export interface TransferStats {
  /** Number of `tensor.data()` calls made through {@link readBack} since the last reset. */
  reads: number;
}

export function transferStats(): TransferStats {
  return { reads };
}

export function resetTransferStats(): void {
  reads = 0;
}

/** Count a device -> CPU read made without a tensor (the fused WebGPU engine's read-backs). */
export function countRead(): void {
  reads++;
}

/** `await tensor.data()`, counted. The caller still owns (and disposes) the tensor. */
export async function readBack<R extends tf.Rank>(tensor: tf.Tensor<R>): Promise<tf.TypedArray> {
  reads++;
  return tensor.data();
}
