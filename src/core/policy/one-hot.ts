/**
 * One-hot rows as float32. TF.js 4.22's wasm `OneHot` kernel ignores a float32 dtype and writes
 * integer bit patterns (1 reads as 1.4e-45), which silently zeroed the embedding and the
 * log-probabilities on wasm. Build int32 (correct everywhere) and cast.
 */
import * as tf from '@tensorflow/tfjs';

export function floatOneHot(indices: tf.Tensor, depth: number): tf.Tensor {
  return tf.tidy(() => tf.oneHot(indices as tf.Tensor1D, depth).cast('float32'));
}
