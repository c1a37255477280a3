/**
 * Adam (PyTorch semantics, no weight decay) with a global gradient-norm clip, written out rather
 * than taken from tf.train so that the learning rate can change between steps, the state is keyed
 * by parameter name (checkpoints restore into a fresh policy), and nothing relies on private fields.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM, fusedAdam } from './kernels/adam';
import { hasKernel } from './kernels/host-arrays';
import type { NamedParam, WeightArray } from './model';
import { readBack } from './transfer';

export interface AdamOptions {
  beta1?: number;
  beta2?: number;
  /** Default: the backend's epsilon (1e-7 in float32, larger on 16-bit WebGL). */
  epsilon?: number;
}

export interface AdamOptimizer {
  /** Learning rate of the next step; change it freely between steps ({@link setLearningRate}). */
  lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** Steps taken so far (drives the bias correction). */
  step: number;
  /** First and second moments per parameter name, created at the first step. */
  readonly moments: Map<string, { m: tf.Variable; v: tf.Variable }>;
  /** Free the moments (same as {@link disposeAdam}). */
  dispose(): void;
}

/** Serializable optimizer state; moments are named `m:<param>` and `v:<param>`. */
export interface AdamState {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  step: number;
  moments: WeightArray[];
}

function checkLr(lr: number): void {
  if (!Number.isFinite(lr) || lr < 0)
    throw new Error(`Adam: learning rate must be finite and >= 0, got ${lr}`);
}

export function createAdam(lr: number, opts: AdamOptions = {}): AdamOptimizer {
  checkLr(lr);
  const opt: AdamOptimizer = {
    lr,
    beta1: opts.beta1 ?? 0.9,
    beta2: opts.beta2 ?? 0.999,
    epsilon: opts.epsilon ?? tf.backend().epsilon(),
    step: 0,
    moments: new Map(),
    dispose: () => disposeAdam(opt),
  };
  return opt;
}

/** Takes effect at the next step; the moments are kept. */
export function setLearningRate(opt: AdamOptimizer, lr: number): void {
  checkLr(lr);
  opt.lr = lr;
}

export function disposeAdam(opt: AdamOptimizer): void {
  for (const { m, v } of opt.moments.values()) {
    m.dispose();
    v.dispose();
  }
  opt.moments.clear();
}

/**
 * Global L2 norm of a list of gradients, as a scalar tensor. The squared sums are added one by one,
 * not with `tf.addN`: TF.js 4.22's WebGPU `AddN` binds every input as a storage buffer in one
 * shader, and with more than 7 inputs it exceeds WebGPU's default limit of 8 storage buffers per
 * stage (the backend never raises it). The pipeline is then invalid, the whole command buffer it
 * was batched in is dropped, and the warm start's weights turned NaN after its first step. On cpu
 * and wasm this chain gives bit for bit what `addN` gave (both accumulate in float32, in order).
 */
export function globalNorm(grads: readonly tf.Tensor[]): tf.Scalar {
  if (grads.length === 0) return tf.scalar(0);
  const squares = grads.map((g) => tf.sum(tf.square(g)) as tf.Scalar);
  return tf.sqrt(squares.reduce((acc, s) => acc.add(s))) as tf.Scalar;
}

/**
 * Factor that brings the global norm down to `maxNorm`: min(1, maxNorm / norm). A non-positive or
 * infinite `maxNorm` disables clipping (factor 1).
 */
export function clipFactor(norm: tf.Scalar, maxNorm: number): tf.Scalar {
  if (!(maxNorm > 0) || !Number.isFinite(maxNorm)) return tf.onesLike(norm);
  return tf.div(maxNorm, tf.maximum(norm, maxNorm));
}

/**
 * One Adam step on `params` with `grads` (same order) multiplied by `gradScale`. Call inside
 * tf.tidy: it assigns the variables and leaves only temporaries behind.
 */
export function adamStep(
  opt: AdamOptimizer,
  params: readonly NamedParam[],
  grads: readonly tf.Tensor[],
  gradScale?: tf.Scalar,
): void {
  opt.step += 1;
  const { beta1: b1, beta2: b2, epsilon } = opt;
  const stepSize = opt.lr / (1 - b1 ** opt.step);
  const invSqrtBc2 = 1 / Math.sqrt(1 - b2 ** opt.step);
  params.forEach((p, i) => {
    const state = momentsOf(opt, p);
    const g = gradScale ? grads[i].mul(gradScale) : grads[i];
    state.m.assign(state.m.mul(b1).add(g.mul(1 - b1)));
    state.v.assign(state.v.mul(b2).add(g.square().mul(1 - b2)));
    const denom = tf.sqrt(state.v).mul(invSqrtBc2).add(epsilon);
    p.variable.assign(p.variable.sub(state.m.div(denom).mul(stepSize)));
  });
}

function momentsOf(opt: AdamOptimizer, p: NamedParam): { m: tf.Variable; v: tf.Variable } {
  let state = opt.moments.get(p.name);
  if (!state) {
    state = {
      m: tf.variable(tf.zerosLike(p.variable), false),
      v: tf.variable(tf.zerosLike(p.variable), false),
    };
    opt.moments.set(p.name, state);
  }
  return state;
}

/**
 * Global-norm clip to `maxNorm` (<= 0 or Infinity: none), then one Adam step; returns the norm of
 * the unclipped gradients. On cpu and wasm the whole step is one kernel launch
 * (`kernels/adam.ts`); elsewhere it is {@link globalNorm}, {@link clipFactor} and {@link adamStep}.
 * Call inside tf.tidy.
 */
export function clippedAdamStep(
  opt: AdamOptimizer,
  params: readonly NamedParam[],
  grads: readonly tf.Tensor[],
  maxNorm: number,
): tf.Scalar {
  if (!hasKernel(ADAM)) {
    const norm = globalNorm(grads);
    adamStep(opt, params, grads, clipFactor(norm, maxNorm));
    return norm;
  }
  opt.step += 1;
  const { beta1, beta2, epsilon } = opt;
  const moments = params.map((p) => momentsOf(opt, p));
  const out = fusedAdam(
    params.map((p) => p.variable),
    grads,
    moments.map((s) => s.m),
    moments.map((s) => s.v),
    {
      beta1,
      beta2,
      epsilon,
      stepSize: opt.lr / (1 - beta1 ** opt.step),
      invSqrtBc2: 1 / Math.sqrt(1 - beta2 ** opt.step),
      maxNorm,
    },
  );
  params.forEach((p, i) => {
    p.variable.assign(out.params[i]);
    moments[i].m.assign(out.m[i]);
    moments[i].v.assign(out.v[i]);
  });
  return out.norm;
}

/** The optimizer's state, moments read back in one transfer. */
export async function getAdamState(opt: AdamOptimizer): Promise<AdamState> {
  const base = { lr: opt.lr, beta1: opt.beta1, beta2: opt.beta2, epsilon: opt.epsilon, step: opt.step };
  const entries = [...opt.moments.entries()];
  if (entries.length === 0) return { ...base, moments: [] };
  const tensors = entries.flatMap(([, s]) => [s.m, s.v]);
  const flat = tf.tidy(() => tf.concat(tensors.map((t) => t.reshape([-1]))));
  const all = (await readBack(flat)) as Float32Array;
  flat.dispose();
  let offset = 0;
  const moments: WeightArray[] = [];
  for (const [name, s] of entries) {
    for (const [kind, t] of [
      ['m', s.m],
      ['v', s.v],
    ] as const) {
      moments.push({
        name: `${kind}:${name}`,
        shape: t.shape.slice(),
        values: all.slice(offset, offset + t.size),
      });
      offset += t.size;
    }
  }
  return { ...base, moments };
}

function variableFrom(w: WeightArray): tf.Variable {
  const initial = tf.tensor(w.values, w.shape, 'float32');
  const variable = tf.variable(initial, false);
  initial.dispose();
  return variable;
}

/** Replace the optimizer's state (hyper-parameters, step count and moments) with `state`. */
export function setAdamState(opt: AdamOptimizer, state: AdamState): void {
  checkLr(state.lr);
  const byName = new Map(state.moments.map((w) => [w.name, w]));
  const names = new Set(state.moments.map((w) => w.name.slice(2)));
  for (const name of names) {
    if (!byName.has(`m:${name}`) || !byName.has(`v:${name}`)) {
      throw new Error(`setAdamState: parameter ${name} lacks its first or second moment`);
    }
  }
  disposeAdam(opt);
  const mutable = opt as { -readonly [K in keyof AdamOptimizer]: AdamOptimizer[K] };
  mutable.lr = state.lr;
  mutable.beta1 = state.beta1;
  mutable.beta2 = state.beta2;
  mutable.epsilon = state.epsilon;
  mutable.step = state.step;
  for (const name of names) {
    const m = byName.get(`m:${name}`)!;
    const v = byName.get(`v:${name}`)!;
    opt.moments.set(name, { m: variableFrom(m), v: variableFrom(v) });
  }
}
