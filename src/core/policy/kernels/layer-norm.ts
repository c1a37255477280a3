/**
 * LayerNorm over the last axis in one kernel on cpu and wasm, with its gradient in one more.
 * Composed from TF.js ops it is about 8 launches forward and 20 backward for a few tens of
 * thousands of numbers. The forward pass also returns the normalised input and the reciprocal
 * standard deviation, which the gradient reuses.
 */
import * as tf from '@tensorflow/tfjs';
import { HOST_BACKENDS, hasKernel, hostArrays } from './host-arrays';

export const LAYER_NORM = 'FocalLayerNorm';
export const LAYER_NORM_GRAD = 'FocalLayerNormGrad';

/** Added to the variance, as in the composed version. */
export const LAYER_NORM_EPS = 1e-5;

const forwardKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { x, g, b } = inputs as Record<'x' | 'g' | 'b', tf.TensorInfo>;
  const [rows, d] = x.shape;
  const { ins, outs, infos } = hostArrays(
    backend as tf.KernelBackend,
    [x, g, b],
    [[rows, d], [rows, d], [rows]],
  );
  const [xs, gs, bs] = ins;
  const [y, xhat, rstd] = outs;
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let mean = 0;
    for (let c = 0; c < d; c++) mean += xs[o + c];
    mean /= d;
    let variance = 0;
    for (let c = 0; c < d; c++) {
      const z = xs[o + c] - mean;
      variance += z * z;
    }
    const inv = 1 / Math.sqrt(variance / d + LAYER_NORM_EPS);
    rstd[r] = inv;
    for (let c = 0; c < d; c++) {
      const h = (xhat[o + c] = (xs[o + c] - mean) * inv);
      y[o + c] = h * gs[c] + bs[c];
    }
  }
  return infos;
};

const backwardKernel: tf.KernelFunc = ({ inputs, backend }) => {
  const { dy, xhat, rstd, g } = inputs as Record<'dy' | 'xhat' | 'rstd' | 'g', tf.TensorInfo>;
  const [rows, d] = dy.shape;
  const { ins, outs, infos } = hostArrays(
    backend as tf.KernelBackend,
    [dy, xhat, rstd, g],
    [[rows, d], [d], [d]],
  );
  const [dys, hs, inv, gs] = ins;
  const [dx, dg, db] = outs;
  const dgSum = new Float64Array(d);
  const dbSum = new Float64Array(d);
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    // dx = rstd * (dh - mean(dh) - xhat * mean(dh * xhat)), dh = dy * g.
    let meanDh = 0;
    let meanDhH = 0;
    for (let c = 0; c < d; c++) {
      const dh = dys[o + c] * gs[c];
      meanDh += dh;
      meanDhH += dh * hs[o + c];
      dgSum[c] += dys[o + c] * hs[o + c];
      dbSum[c] += dys[o + c];
    }
    meanDh /= d;
    meanDhH /= d;
    for (let c = 0; c < d; c++) dx[o + c] = inv[r] * (dys[o + c] * gs[c] - meanDh - hs[o + c] * meanDhH);
  }
  dg.set(dgSum);
  db.set(dbSum);
  return infos;
};

for (const backendName of HOST_BACKENDS) {
  tf.registerKernel({ kernelName: LAYER_NORM, backendName, kernelFunc: forwardKernel });
  tf.registerKernel({ kernelName: LAYER_NORM_GRAD, backendName, kernelFunc: backwardKernel });
}

tf.registerGradient({
  kernelName: LAYER_NORM,
  inputsToSave: ['g'],
  outputsToSave: [false, true, true],
  gradFunc: (dy, saved) => {
    const [g, xhat, rstd] = saved;
    const dyy = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
    // Computed here, not in the per-input closures (each runs in its own tidy).
    const [dx, dg, db] = tf.engine().runKernel(LAYER_NORM_GRAD, { dy: dyy, xhat, rstd, g }) as tf.Tensor[];
    return { x: () => dx, g: () => dg, b: () => db };
  },
});

/** The same from TF.js ops, for backends without the kernel. */
function composed(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  const { mean, variance } = tf.moments(x, -1, true);
  return x
    .sub(mean)
    .mul(tf.rsqrt(variance.add(LAYER_NORM_EPS)))
    .mul(g)
    .add(b);
}

/** LayerNorm of each row of x [R, d] with gain g [d] and bias b [d]. Differentiable. */
export function layerNorm(x: tf.Tensor2D, g: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  if (!hasKernel(LAYER_NORM)) return composed(x, g, b);
  const [y, xhat, rstd] = tf.engine().runKernel(LAYER_NORM, { x, g, b }) as tf.Tensor[];
  // The tape keeps its own copies for the gradient.
  xhat.dispose();
  rstd.dispose();
  return y as tf.Tensor2D;
}

/** @internal The composed path, for tests that compare it with the kernel. */
export const composedLayerNorm = composed;
