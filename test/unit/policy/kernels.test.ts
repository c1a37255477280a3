/**
 * The JavaScript kernels (cpu and wasm) against the same computation composed from TF.js ops and
 * differentiated by TF.js autodiff, on small random cases, and against finite differences.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { useBackend } from '../../../src/cli/backend-node';
import { adamStep, clipFactor, clippedAdamStep, createAdam, globalNorm } from '../../../src/core/policy/adam';
import { ATTENTION, causalAttention, composedAttention } from '../../../src/core/policy/kernels/attention';
import { createPolicy, disposePolicy, samplePolicy } from '../../../src/core/policy';
import { ADAM } from '../../../src/core/policy/kernels/adam';
import { composedLayerNorm, layerNorm } from '../../../src/core/policy/kernels/layer-norm';
import { Rng } from '../../../src/core/random';

function randomTensor(shape: number[], rng: Rng, std = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: n }, () => rng.normal() * std),
    shape,
  );
}

async function values(t: tf.Tensor): Promise<number[]> {
  return Array.from(await t.data());
}

function expectClose(actual: number[], expected: number[], tol: number): void {
  expect(actual.length).toBe(expected.length);
  const scale = Math.max(1e-3, ...expected.map(Math.abs));
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i])));
  expect(worst / scale).toBeLessThan(tol);
}

const cases = [
  { name: 'full sequence', n: 3, tq: 5, tk: 5, d: 8, heads: 2 },
  { name: 'decoding step over a cache', n: 4, tq: 1, tk: 6, d: 12, heads: 3 },
  { name: 'last queries of a longer sequence', n: 2, tq: 3, tk: 7, d: 8, heads: 4 },
];

describe.each(['cpu', 'wasm'] as const)('causal attention kernel on %s', (backend) => {
  afterAll(() => useBackend('cpu'));

  it.each(cases)('matches composed ops and their autodiff gradients: $name', async (c) => {
    await useBackend(backend);
    const rng = new Rng(11, c.name);
    const q = randomTensor([c.n, c.tq, c.d], rng);
    const k = randomTensor([c.n, c.tk, c.d], rng);
    const v = randomTensor([c.n, c.tk, c.d], rng);
    const w = randomTensor([c.n, c.tq, c.d], rng); // a random linear read-out, so every output matters
    const loss = (f: typeof causalAttention) => (a: tf.Tensor, b: tf.Tensor, cc: tf.Tensor) =>
      f(a as tf.Tensor3D, b as tf.Tensor3D, cc as tf.Tensor3D, c.heads)
        .mul(w)
        .sum() as tf.Scalar;
    const before = tf.memory().numTensors;
    const out = causalAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, c.heads);
    const ref = tf.tidy(() =>
      composedAttention(q as tf.Tensor3D, k as tf.Tensor3D, v as tf.Tensor3D, c.heads),
    );
    expectClose(await values(out), await values(ref), 1e-5);
    const g = tf.grads(loss(causalAttention))([q, k, v]);
    const gRef = tf.grads(loss(composedAttention))([q, k, v]);
    for (let i = 0; i < 3; i++) expectClose(await values(g[i]), await values(gRef[i]), 1e-5);
    tf.dispose([out, ref, ...g, ...gRef]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([q, k, v, w]);
  });

  it('has gradients that agree with finite differences', async () => {
    await useBackend(backend);
    const rng = new Rng(5, 'fd');
    const shape = [2, 4, 6];
    const q = randomTensor(shape, rng) as tf.Tensor3D;
    const k = randomTensor(shape, rng) as tf.Tensor3D;
    const v = randomTensor(shape, rng) as tf.Tensor3D;
    const w = randomTensor(shape, rng);
    const f = (qq: tf.Tensor) =>
      causalAttention(qq as tf.Tensor3D, k, v, 2)
        .mul(w)
        .sum() as tf.Scalar;
    const analytic = await values(tf.grad(f)(q));
    const base = await values(q);
    const h = 1e-2;
    for (const idx of [0, 7, 13, 29, 47]) {
      const plus = base.slice();
      const minus = base.slice();
      plus[idx] += h;
      minus[idx] -= h;
      const fp = (await values(tf.tidy(() => f(tf.tensor(plus, shape)))))[0];
      const fm = (await values(tf.tidy(() => f(tf.tensor(minus, shape)))))[0];
      expect(analytic[idx]).toBeCloseTo((fp - fm) / (2 * h), 2);
    }
    tf.dispose([q, k, v, w]);
  });
});

describe.each(['cpu', 'wasm'] as const)('fused clipped Adam on %s', (backend) => {
  afterAll(() => useBackend('cpu'));

  it.each([
    { name: 'clipped', maxNorm: 0.5 },
    { name: 'unclipped', maxNorm: 1e6 },
    { name: 'clip disabled', maxNorm: 0 },
  ])('matches the composed ops step after step ($name)', async ({ maxNorm }) => {
    await useBackend(backend);
    expect(tf.getKernel(ADAM, backend)).toBeDefined();
    const rng = new Rng(2, 'adam');
    const shapes = [[3, 4], [4], [2, 2, 3]];
    const start = shapes.map((s) => randomTensor(s, rng));
    const make = () => start.map((t, i) => ({ name: `w${i}`, variable: tf.variable(t.clone()) }));
    const fused = make();
    const composed = make();
    const optFused = createAdam(0.01);
    const optComposed = createAdam(0.01);
    const before = tf.memory().numTensors;
    for (let step = 0; step < 4; step++) {
      const grads = shapes.map((s) => randomTensor(s, rng, 0.7));
      const normFused = tf.tidy(() => clippedAdamStep(optFused, fused, grads, maxNorm));
      const normComposed = tf.tidy(() => {
        const norm = globalNorm(grads);
        adamStep(optComposed, composed, grads, clipFactor(norm, maxNorm));
        return norm;
      });
      expectClose(await values(normFused), await values(normComposed), 1e-6);
      for (let i = 0; i < shapes.length; i++) {
        expectClose(await values(fused[i].variable), await values(composed[i].variable), 1e-6);
        const [mf, mc] = [optFused.moments.get(`w${i}`)!, optComposed.moments.get(`w${i}`)!];
        expectClose(await values(mf.m), await values(mc.m), 1e-6);
        expectClose(await values(mf.v), await values(mc.v), 1e-6);
      }
      tf.dispose([normFused, normComposed, ...grads]);
      // Two moments per parameter and optimizer, created at the first step; nothing else stays.
      expect(tf.memory().numTensors).toBe(before + 4 * shapes.length);
    }
    // The parameters moved.
    expect(Math.abs((await values(fused[0].variable))[0] - (await values(start[0]))[0])).toBeGreaterThan(
      1e-4,
    );
    optFused.dispose();
    optComposed.dispose();
    tf.dispose([...start, ...fused.map((p) => p.variable), ...composed.map((p) => p.variable)]);
  });
});

describe.each(['cpu', 'wasm'] as const)('layer norm kernel on %s', (backend) => {
  afterAll(() => useBackend('cpu'));

  it('matches composed ops and their autodiff gradients, and finite differences', async () => {
    await useBackend(backend);
    const rng = new Rng(8, 'ln');
    const x = randomTensor([6, 10], rng, 3);
    const g = randomTensor([10], rng);
    const b = randomTensor([10], rng);
    const w = randomTensor([6, 10], rng);
    const loss = (f: typeof layerNorm) => (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      f(xx as tf.Tensor2D, gg, bb)
        .mul(w)
        .sum() as tf.Scalar;
    const before = tf.memory().numTensors;
    const out = layerNorm(x as tf.Tensor2D, g, b);
    const ref = tf.tidy(() => composedLayerNorm(x as tf.Tensor2D, g, b));
    expectClose(await values(out), await values(ref), 1e-5);
    const grads = tf.grads(loss(layerNorm))([x, g, b]);
    const gradsRef = tf.grads(loss(composedLayerNorm))([x, g, b]);
    for (let i = 0; i < 3; i++) expectClose(await values(grads[i]), await values(gradsRef[i]), 1e-5);
    const dx = await values(grads[0]);
    const base = await values(x);
    const h = 1e-2;
    for (const idx of [0, 11, 35, 59]) {
      const at = (delta: number) => {
        const shifted = base.slice();
        shifted[idx] += delta;
        return tf.tidy(() => loss(layerNorm)(tf.tensor(shifted, [6, 10]), g, b));
      };
      const [fp, fm] = [at(h), at(-h)];
      expect(dx[idx]).toBeCloseTo(((await values(fp))[0] - (await values(fm))[0]) / (2 * h), 2);
      tf.dispose([fp, fm]);
    }
    tf.dispose([out, ref, ...grads, ...gradsRef]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, g, b, w]);
  });
});

describe('sampling with the composed attention (the webgl and webgpu path)', () => {
  it('gives the rollouts the kernel gives, key/value cache included', async () => {
    await useBackend('cpu');
    const policy = createPolicy({ size: 'medium', vocabSize: 16, maxLen: 10 }, new Rng(4, 'init'));
    const prompts = Int32Array.from([1, 5, 2, 1, 7, 2, 1, 9, 2]);
    const sample = () => samplePolicy(policy, prompts, 3, 3, 4, 7, 1, new Rng(6, 'sampling'));
    const withKernel = await sample();
    const kernel = tf.getKernel(ATTENTION, 'cpu')!;
    tf.unregisterKernel(ATTENTION, 'cpu');
    try {
      const composed = await sample();
      expect(composed.tokens).toEqual(withKernel.tokens);
    } finally {
      tf.registerKernel(kernel);
      disposePolicy(policy);
    }
  });
});
