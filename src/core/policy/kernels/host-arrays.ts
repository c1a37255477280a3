/**
 * Float32 views of tensors for kernels written in JavaScript, on the two backends whose memory
 * the JavaScript thread can touch directly: `cpu` (typed arrays) and `wasm` (the module's heap).
 */
import * as tf from '@tensorflow/tfjs';

/** Backends that run the JavaScript kernels of this folder. */
export const HOST_BACKENDS = ['cpu', 'wasm'] as const;

interface CpuLike {
  readSync(dataId: unknown): tf.TypedArray;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: tf.TypedArray): tf.TensorInfo;
}

interface WasmLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): tf.TypedArray;
}

/**
 * Allocate `outputs` (zero-filled float32), then return views of the inputs and the outputs. On
 * wasm, allocating may grow the heap and detach older views, so every view is taken after the
 * last allocation.
 */
export function hostArrays(
  backend: tf.KernelBackend,
  inputs: readonly tf.TensorInfo[],
  outputs: readonly number[][],
): { ins: Float32Array[]; outs: Float32Array[]; infos: tf.TensorInfo[] } {
  for (const t of inputs)
    if (t.dtype !== 'float32') throw new Error(`host kernel: expected float32 inputs, got ${t.dtype}`);
  if ('typedArrayFromHeap' in backend) {
    const wasm = backend as unknown as WasmLike;
    const infos = outputs.map((shape) => wasm.makeOutput(shape, 'float32'));
    const outs = infos.map((t) => (wasm.typedArrayFromHeap(t) as Float32Array).fill(0));
    const ins = inputs.map((t) => wasm.typedArrayFromHeap(t) as Float32Array);
    return { ins, outs, infos };
  }
  const cpu = backend as unknown as CpuLike;
  const outs = outputs.map((shape) => new Float32Array(shape.reduce((a, b) => a * b, 1)));
  const infos = outputs.map((shape, i) => cpu.makeTensorInfo(shape, 'float32', outs[i]));
  const ins = inputs.map((t) => cpu.readSync(t.dataId) as Float32Array);
  return { ins, outs, infos };
}

/** Whether a kernel is registered for the backend in use (else callers compose TF.js ops). */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
