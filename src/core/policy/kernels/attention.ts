/**
 * Causal multi-head attention for every head and sequence in one kernel, with its gradient.
 *
 * Layout: q [N, Tq, d], k and v [N, Tk, d] with the heads side by side in d (exactly what the q, k
 * and v projections produce), output [N, Tq, d] (what the output projection takes): no transposes.
 * Query i sits at position Tk - Tq + i and attends to keys 0..Tk-Tq+i, so one kernel serves the full
 * sequence (Tq = Tk) and one decoding step over the key/value cache (Tq = 1).
 *
 * On cpu and wasm the kernels are plain JavaScript loops: at these sizes (T <= 15, head width 8-24)
 * TF.js's batched matmul, softmax and transposes cost far more in launches and in the wasm
 * backend's generic batched product than the arithmetic does. The forward pass also returns the
 * attention probabilities, which the gradient reuses. Other backends compose TF.js ops.
 */
import * as tf from '@tensorflow/tfjs';
import { MASKED_LOGIT } from '../tokens';
import { HOST_BACKENDS, hasKernel, hostArrays } from './host-arrays';

export const ATTENTION = 'FocalCausalAttention';
export const ATTENTION_GRAD = 'FocalCausalAttentionGrad';

interface AttentionAttrs {
  heads: number;
}

interface Dims {
  n: number;
  tq: number;
  tk: number;
  d: number;
  heads: number;
  hd: number;
  scale: number;
}

function dimsOf(q: tf.TensorInfo, k: tf.TensorInfo, heads: number): Dims {
  const [n, tq, d] = q.shape;
  const tk = k.shape[1];
  const hd = d / heads;
  return { n, tq, tk, d, heads, hd, scale: 1 / Math.sqrt(hd) };
}

// The loops below take keys four at a time: each load of a query (or gradient) element then feeds
// four independent sums, which V8 keeps in registers (about twice as fast as one key at a time).

/** ctx = softmax(q k^T / sqrt(hd), causal) v per head; probs [N, H, Tq, Tk] (zeros where masked). */
function forward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  ctx: Float32Array,
  probs: Float32Array,
  m: Dims,
): void {
  const { n: N, tq, tk, d, heads, hd, scale } = m;
  const off = tk - tq;
  const row = new Float64Array(tk);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < heads; h++) {
      const kh = n * tk * d + h * hd; // key 0 of this sequence and head; key j at kh + j * d
      for (let i = 0; i < tq; i++) {
        const qb = (n * tq + i) * d + h * hd;
        const last = off + i;
        let j = 0;
        for (; j + 3 <= last; j += 4) {
          const k0 = kh + j * d;
          const k1 = k0 + d;
          const k2 = k1 + d;
          const k3 = k2 + d;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let c = 0; c < hd; c++) {
            const qc = q[qb + c];
            s0 += qc * k[k0 + c];
            s1 += qc * k[k1 + c];
            s2 += qc * k[k2 + c];
            s3 += qc * k[k3 + c];
          }
          row[j] = s0 * scale;
          row[j + 1] = s1 * scale;
          row[j + 2] = s2 * scale;
          row[j + 3] = s3 * scale;
        }
        for (; j <= last; j++) {
          const kb = kh + j * d;
          let s = 0;
          for (let c = 0; c < hd; c++) s += q[qb + c] * k[kb + c];
          row[j] = s * scale;
        }
        let max = -Infinity;
        for (j = 0; j <= last; j++) if (row[j] > max) max = row[j];
        let sum = 0;
        for (j = 0; j <= last; j++) {
          const e = Math.exp(row[j] - max);
          row[j] = e;
          sum += e;
        }
        const pb = ((n * heads + h) * tq + i) * tk;
        for (j = 0; j <= last; j++) {
          const p = Math.fround(row[j] / sum);
          probs[pb + j] = p;
          row[j] = p;
        }
        for (j = 0; j + 3 <= last; j += 4) {
          const v0 = kh + j * d;
          const v1 = v0 + d;
          const v2 = v1 + d;
          const v3 = v2 + d;
          const p0 = row[j];
          const p1 = row[j + 1];
          const p2 = row[j + 2];
          const p3 = row[j + 3];
          for (let c = 0; c < hd; c++)
            ctx[qb + c] += p0 * v[v0 + c] + p1 * v[v1 + c] + p2 * v[v2 + c] + p3 * v[v3 + c];
        }
        for (; j <= last; j++) {
          const vb = kh + j * d;
          const p = row[j];
          for (let c = 0; c < hd; c++) ctx[qb + c] += p * v[vb + c];
        }
      }
    }
  }
}

/** Gradients of q, k, v from the output gradient dy and the forward probabilities. */
function backward(
  dy: Float32Array,
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  probs: Float32Array,
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  m: Dims,
): void {
  const { n: N, tq, tk, d, heads, hd, scale } = m;
  const off = tk - tq;
  const ds = new Float64Array(tk);
  for (let n = 0; n < N; n++) {
    for (let h = 0; h < heads; h++) {
      const kh = n * tk * d + h * hd;
      for (let i = 0; i < tq; i++) {
        const qb = (n * tq + i) * d + h * hd;
        const pb = ((n * heads + h) * tq + i) * tk;
        const last = off + i;
        // dp_j = dy . v_j and dv_j += p_j dy, four keys at a time.
        let j = 0;
        for (; j + 3 <= last; j += 4) {
          const v0 = kh + j * d;
          const v1 = v0 + d;
          const v2 = v1 + d;
          const v3 = v2 + d;
          const p0 = probs[pb + j];
          const p1 = probs[pb + j + 1];
          const p2 = probs[pb + j + 2];
          const p3 = probs[pb + j + 3];
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          let s3 = 0;
          for (let c = 0; c < hd; c++) {
            const g = dy[qb + c];
            s0 += g * v[v0 + c];
            s1 += g * v[v1 + c];
            s2 += g * v[v2 + c];
            s3 += g * v[v3 + c];
            dv[v0 + c] += p0 * g;
            dv[v1 + c] += p1 * g;
            dv[v2 + c] += p2 * g;
            dv[v3 + c] += p3 * g;
          }
          ds[j] = s0;
          ds[j + 1] = s1;
          ds[j + 2] = s2;
          ds[j + 3] = s3;
        }
        for (; j <= last; j++) {
          const vb = kh + j * d;
          const p = probs[pb + j];
          let s = 0;
          for (let c = 0; c < hd; c++) {
            const g = dy[qb + c];
            s += g * v[vb + c];
            dv[vb + c] += p * g;
          }
          ds[j] = s;
        }
        // Softmax backward: ds_j = p_j (dp_j - sum_j' p_j' dp_j'), times the score scale.
        let dot = 0;
        for (j = 0; j <= last; j++) dot += probs[pb + j] * ds[j];
        for (j = 0; j <= last; j++) ds[j] = probs[pb + j] * (ds[j] - dot) * scale;
        // dq += ds_j k_j and dk_j += ds_j q, four keys at a time.
        for (j = 0; j + 3 <= last; j += 4) {
          const k0 = kh + j * d;
          const k1 = k0 + d;
          const k2 = k1 + d;
          const k3 = k2 + d;
          const d0 = ds[j];
          const d1 = ds[j + 1];
          const d2 = ds[j + 2];
          const d3 = ds[j + 3];
          for (let c = 0; c < hd; c++) {
            const qc = q[qb + c];
            dq[qb + c] += d0 * k[k0 + c] + d1 * k[k1 + c] + d2 * k[k2 + c] + d3 * k[k3 + c];
            dk[k0 + c] += d0 * qc;
            dk[k1 + c] += d1 * qc;
            dk[k2 + c] += d2 * qc;
            dk[k3 + c] += d3 * qc;
          }
        }
        for (; j <= last; j++) {
          const kb = kh + j * d;
          const dj = ds[j];
          for (let c = 0; c < hd; c++) {
            dq[qb + c] += dj * k[kb + c];
            dk[kb + c] += dj * q[qb + c];
          }
        }
      }
    }
  }
}

const forwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { q, k, v } = inputs as Record<'q' | 'k' | 'v', tf.TensorInfo>;
  const m = dimsOf(q, k, (attrs as unknown as AttentionAttrs).heads);
  const { ins, outs, infos } = hostArrays(
    backend as tf.KernelBackend,
    [q, k, v],
    [
      [m.n, m.tq, m.d],
      [m.n, m.heads, m.tq, m.tk],
    ],
  );
  forward(ins[0], ins[1], ins[2], outs[0], outs[1], m);
  return infos;
};

const backwardKernel: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, q, k, v, probs } = inputs as Record<'dy' | 'q' | 'k' | 'v' | 'probs', tf.TensorInfo>;
  const m = dimsOf(q, k, (attrs as unknown as AttentionAttrs).heads);
  const { ins, outs, infos } = hostArrays(
    backend as tf.KernelBackend,
    [dy, q, k, v, probs],
    [q.shape, k.shape, v.shape],
  );
  backward(ins[0], ins[1], ins[2], ins[3], ins[4], outs[0], outs[1], outs[2], m);
  return infos;
};

for (const backendName of HOST_BACKENDS) {
  tf.registerKernel({ kernelName: ATTENTION, backendName, kernelFunc: forwardKernel });
  tf.registerKernel({ kernelName: ATTENTION_GRAD, backendName, kernelFunc: backwardKernel });
}

tf.registerGradient({
  kernelName: ATTENTION,
  inputsToSave: ['q', 'k', 'v'],
  outputsToSave: [false, true],
  gradFunc: (dy, saved, attrs) => {
    const [q, k, v, probs] = saved;
    const dctx = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor;
    // Computed here, not in the per-input closures: the engine runs each closure in its own tidy,
    // which would dispose the other two gradients.
    const [dq, dk, dv] = tf
      .engine()
      .runKernel(ATTENTION_GRAD, { dy: dctx, q, k, v, probs }, attrs) as tf.Tensor[];
    return { q: () => dq, k: () => dk, v: () => dv };
  },
});

/** The same computation from TF.js ops, for backends without the kernel (webgl, webgpu). */
function composed(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): tf.Tensor3D {
  const [n, tq, d] = q.shape;
  const tk = k.shape[1];
  const hd = d / heads;
  // Only 4-D transposes: some backends run 5-D ones on a slow generic path.
  const split = (x: tf.Tensor3D, t: number) =>
    tf.transpose(x.reshape([n, t, heads, hd]), [0, 2, 1, 3]).reshape([n * heads, t, hd]) as tf.Tensor3D;
  const mask = new Float32Array(tq * tk);
  for (let i = 0; i < tq; i++) for (let j = tk - tq + i + 1; j < tk; j++) mask[i * tk + j] = MASKED_LOGIT;
  const scores = tf.matMul(split(q, tq).mul(1 / Math.sqrt(hd)), split(k, tk), false, true);
  const att = tf.softmax(scores.add(tf.tensor2d(mask, [tq, tk])));
  const ctx = tf.matMul(att, split(v, tk)); // [N*H, Tq, hd]
  return tf.transpose(ctx.reshape([n, heads, tq, hd]), [0, 2, 1, 3]).reshape([n, tq, d]) as tf.Tensor3D;
}

/**
 * Causal attention of queries q [N, Tq, d] over keys and values [N, Tk, d] (Tq <= Tk; the queries
 * are the last Tq positions), `heads` heads side by side in d. Returns [N, Tq, d]. Differentiable.
 */
export function causalAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, heads: number): tf.Tensor3D {
  if (!hasKernel(ATTENTION)) return composed(q, k, v, heads);
  const attrs = { heads } as unknown as tf.NamedAttrMap;
  const [ctx, probs] = tf.engine().runKernel(ATTENTION, { q, k, v }, attrs) as tf.Tensor[];
  // The tape keeps its own copy of probs for the gradient.
  probs.dispose();
  return ctx as tf.Tensor3D;
}

/** @internal The composed path, for tests that compare it with the kernel. */
export const composedAttention = composed;

/**
 * Keys or values [N, t, d] as the sampler's cache holds them: unchanged with the kernel; split into
 * heads, [N*H, t, hd], without it, so that a decoding step needs no transpose (on webgpu every new
 * transpose shape is a new shader to compile, and the cache's length changes at every step).
 */
export function toCache(x: tf.Tensor3D, heads: number): tf.Tensor3D {
  if (hasKernel(ATTENTION)) return x;
  const [n, t, d] = x.shape;
  return tf.transpose(x.reshape([n, t, heads, d / heads]), [0, 2, 1, 3]).reshape([n * heads, t, d / heads]);
}

/**
 * One decoding step: append the new key and value [N, 1, d] to the cache (layout of
 * {@link toCache}) and attend from the new query [N, 1, d] over it. Returns the context [N, d].
 */
export function attendCached(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  cache: { keys: tf.Tensor3D; values: tf.Tensor3D },
  heads: number,
): { ctx: tf.Tensor2D; keys: tf.Tensor3D; values: tf.Tensor3D } {
  const [n, , d] = q.shape;
  // The cache grows along axis 1 (concatenating along the last axis is slower on wasm).
  if (hasKernel(ATTENTION)) {
    const keys = tf.concat([cache.keys, k], 1);
    const values = tf.concat([cache.values, v], 1);
    return { ctx: causalAttention(q, keys, values, heads).reshape([n, d]), keys, values };
  }
  // One position per row: [N, 1, H*hd] is already [N*H, 1, hd] in memory.
  const hd = d / heads;
  const split = (x: tf.Tensor3D) => x.reshape([n * heads, 1, hd]) as tf.Tensor3D;
  const keys = tf.concat([cache.keys, split(k)], 1);
  const values = tf.concat([cache.values, split(v)], 1);
  const att = tf.softmax(tf.matMul(split(q).mul(1 / Math.sqrt(hd)), keys, false, true));
  return { ctx: tf.matMul(att, values).reshape([n, d]), keys, values };
}
