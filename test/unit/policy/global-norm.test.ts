/**
 * globalNorm adds the squared sums one by one instead of with tf.addN (whose WebGPU kernel fails
 * past 7 inputs). On cpu and wasm that must give exactly what addN gave: runs already computed
 * there must not move.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { globalNorm } from '../../../src/core/policy/adam';
import { useBackend } from '../../../src/cli/backend-node';
import { Rng } from '../../../src/core/random';

describe('globalNorm', () => {
  afterAll(() => useBackend('cpu'));

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`matches sqrt(addN(sum(g^2))) bit for bit on ${backend}`, async () => {
      await useBackend(backend);
      const rng = new Rng(3, 'grads');
      for (let trial = 0; trial < 20; trial++) {
        const grads = Array.from({ length: 2 + trial }, (_, i) => {
          const scale = Math.exp(rng.normal() * 4);
          const values = Float32Array.from({ length: 1 + ((i * 7) % 13) }, () => rng.normal() * scale);
          return tf.tensor1d(values);
        });
        const norm = globalNorm(grads);
        const reference = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
        expect((await norm.data())[0]).toBe((await reference.data())[0]);
        tf.dispose([norm, reference, ...grads]);
      }
      const empty = globalNorm([]);
      expect(await empty.data()).toEqual(new Float32Array([0]));
      empty.dispose();
    });
  }
});
