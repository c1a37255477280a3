/**
 * Dense layers with hand-written gradients. TF.js differentiates `matMul` into products with
 * transposed operands; the wasm backend runs those about ten times slower than plain products
 * (measured: 16 ms against 1.5 ms for [896,64]x[64,256]). On wasm the gradients here transpose
 * explicitly (cheap) and multiply plainly; elsewhere they keep the transpose flags.
 */
import * as tf from '@tensorflow/tfjs';

const explicitTranspose = (): boolean => tf.getBackend() === 'wasm';

/** dy [M, K] times w [J, K] transposed -> [M, J]. */
function mulTransposedB(dy: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  return explicitTranspose() ? tf.matMul(dy, tf.transpose(w)) : tf.matMul(dy, w, false, true);
}

/** x [M, J] transposed times dy [M, K] -> [J, K]. */
function mulTransposedA(x: tf.Tensor2D, dy: tf.Tensor2D): tf.Tensor2D {
  return explicitTranspose() ? tf.matMul(tf.transpose(x), dy) : tf.matMul(x, dy, true, false);
}

type Grad = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
type Save = (tensors: tf.Tensor[]) => void;
type CustomGradFn = Parameters<typeof tf.customGrad>[0];

const affine = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: Save) => {
  save([x, w]);
  const gradFunc: Grad = (dy, [sx, sw]) => [
    mulTransposedB(dy as tf.Tensor2D, sw as tf.Tensor2D),
    mulTransposedA(sx as tf.Tensor2D, dy as tf.Tensor2D),
    tf.sum(dy, 0),
  ];
  return { value: tf.fused.matMul({ a: x, b: w, bias: b }), gradFunc };
}) as unknown as CustomGradFn);

const affineRelu = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, save: Save) => {
  const y = tf.relu(tf.fused.matMul({ a: x, b: w, bias: b }));
  save([x, w, y]);
  const gradFunc: Grad = (dy, [sx, sw, sy]) => {
    const dz = dy.mul(tf.step(sy)) as tf.Tensor2D;
    return [mulTransposedB(dz, sw as tf.Tensor2D), mulTransposedA(sx as tf.Tensor2D, dz), tf.sum(dz, 0)];
  };
  return { value: y, gradFunc };
}) as unknown as CustomGradFn);

/** x [M, J] @ w [J, K] + b [K], optionally through ReLU. */
export function dense(x: tf.Tensor2D, w: tf.Tensor, b: tf.Tensor, relu = false): tf.Tensor2D {
  return (relu ? affineRelu : affine)(x, w, b) as tf.Tensor2D;
}

/**
 * constant [M, J] @ w [J, K], differentiated in `w` only (the one-hot embedding: no gradient is
 * spent on the one-hot matrix).
 */
export function constTimes(constant: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const f = tf.customGrad(((wIn: tf.Tensor2D, save: Save) => {
    // Saved (not captured): tensors of the forward scope are gone when the gradient runs.
    save([constant]);
    const gradFunc: Grad = (dy, [c]) => [mulTransposedA(c as tf.Tensor2D, dy as tf.Tensor2D)];
    return { value: tf.matMul(constant, wIn), gradFunc };
  }) as unknown as CustomGradFn);
  return f(w) as tf.Tensor2D;
}
