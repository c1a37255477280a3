/**
 * The whole optimizer step in one kernel on cpu and wasm: global gradient norm, clip factor and the
 * Adam update of every parameter and both moments. Composed from TF.js ops this costs about 17
 * launches per parameter tensor (600 per update at medium size) for a few hundred thousand
 * multiply-adds. Inputs and outputs stay one tensor per parameter, so the optimizer's state (and
 * every checkpoint) keeps its named per-parameter layout.
 */
import * as tf from '@tensorflow/tfjs';
import { HOST_BACKENDS, hostArrays } from './host-arrays';

export const ADAM = 'FocalClippedAdam';

export interface AdamKernelAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** lr / (1 - beta1^t). */
  stepSize: number;
  /** 1 / sqrt(1 - beta2^t). */
  invSqrtBc2: number;
  /** Global-norm clip; <= 0 or non-finite disables it. */
  maxNorm: number;
}

/**
 * Inputs p{i}, g{i}, m{i}, v{i} for i < count. Outputs: new parameters, first moments and second
 * moments (count each, same shapes), then the global norm of the unclipped gradients ([1]).
 */
const kernelFunc: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const a = attrs as unknown as AdamKernelAttrs & { count: number };
  const named = inputs as Record<string, tf.TensorInfo>;
  const count = a.count;
  const list: tf.TensorInfo[] = [];
  for (const prefix of ['p', 'g', 'm', 'v'])
    for (let i = 0; i < count; i++) list.push(named[`${prefix}${i}`]);
  const shapes = list.slice(0, count).map((t) => t.shape);
  const { ins, outs, infos } = hostArrays(backend as tf.KernelBackend, list, [
    ...shapes,
    ...shapes,
    ...shapes,
    [1],
  ]);
  const g = ins.slice(count, 2 * count);
  let sumSq = 0;
  for (const gi of g) for (let j = 0; j < gi.length; j++) sumSq += gi[j] * gi[j];
  const norm = Math.fround(Math.sqrt(sumSq));
  const clip =
    a.maxNorm > 0 && Number.isFinite(a.maxNorm) ? Math.fround(a.maxNorm / Math.max(norm, a.maxNorm)) : 1;
  const { beta1: b1, beta2: b2, epsilon, stepSize, invSqrtBc2 } = a;
  for (let i = 0; i < count; i++) {
    const [p, gi, m, v] = [ins[i], g[i], ins[2 * count + i], ins[3 * count + i]];
    const [pOut, mOut, vOut] = [outs[i], outs[count + i], outs[2 * count + i]];
    for (let j = 0; j < p.length; j++) {
      const gj = gi[j] * clip;
      const mj = (mOut[j] = b1 * m[j] + (1 - b1) * gj);
      const vj = (vOut[j] = b2 * v[j] + (1 - b2) * gj * gj);
      pOut[j] = p[j] - (stepSize * mj) / (Math.sqrt(vj) * invSqrtBc2 + epsilon);
    }
  }
  outs[3 * count][0] = norm;
  return infos;
};

for (const backendName of HOST_BACKENDS) tf.registerKernel({ kernelName: ADAM, backendName, kernelFunc });

/**
 * One clipped Adam step in one launch. Returns the new parameters, moments and the norm; the
 * caller assigns them. Only where {@link hasKernel}(ADAM).
 */
export function fusedAdam(
  params: readonly tf.Tensor[],
  grads: readonly tf.Tensor[],
  m: readonly tf.Tensor[],
  v: readonly tf.Tensor[],
  attrs: AdamKernelAttrs,
): { params: tf.Tensor[]; m: tf.Tensor[]; v: tf.Tensor[]; norm: tf.Scalar } {
  const count = params.length;
  const inputs: Record<string, tf.Tensor> = {};
  for (let i = 0; i < count; i++) {
    inputs[`p${i}`] = params[i];
    inputs[`g${i}`] = grads[i];
    inputs[`m${i}`] = m[i];
    inputs[`v${i}`] = v[i];
  }
  const out = tf
    .engine()
    .runKernel(ADAM, inputs, { ...attrs, count } as unknown as tf.NamedAttrMap) as tf.Tensor[];
  return {
    params: out.slice(0, count),
    m: out.slice(count, 2 * count),
    v: out.slice(2 * count, 3 * count),
    norm: out[3 * count].reshape([]) as tf.Scalar,
  };
}
