/**
 * A small causal transformer as plain tf.Variables: pre-LayerNorm blocks, learned positional
 * embedding, multi-head attention, ReLU MLP, output head tied to the token embedding.
 *
 * The embedding is a one-hot matrix product rather than `gather`, because the gradient of `gather`
 * (UnsortedSegmentSum) is missing on the wasm backend. Initial values are drawn in JavaScript from
 * a seeded Rng, so one seed gives the same weights on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../random/rng';
import { constTimes, dense } from './dense';
import { attendCached, causalAttention, toCache } from './kernels/attention';
import { layerNorm } from './kernels/layer-norm';
import { floatOneHot } from './one-hot';
import { MASKED_LOGIT, NEVER_GENERATED } from './tokens';
import {
  POLICY_SIZES,
  parameterTable,
  paramSpecs,
  sizeOf,
  type ParamSpec,
  type PolicyConfig,
  type PolicyDims,
} from './param-table';
import { readBack } from './transfer';

export { POLICY_SIZES, type PolicyConfig, type PolicyDims, type PolicySize } from './param-table';

export interface NamedParam {
  /** Stable logical name, e.g. `h0.attn.wqkv` (not the engine's variable name). */
  readonly name: string;
  readonly variable: tf.Variable;
}

interface BlockParams {
  ln1g: tf.Variable;
  ln1b: tf.Variable;
  wq: tf.Variable;
  bq: tf.Variable;
  wk: tf.Variable;
  bk: tf.Variable;
  wv: tf.Variable;
  bv: tf.Variable;
  wo: tf.Variable;
  bo: tf.Variable;
  ln2g: tf.Variable;
  ln2b: tf.Variable;
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  b2: tf.Variable;
}

export interface Policy {
  readonly config: Readonly<PolicyConfig>;
  readonly dims: Readonly<PolicyDims>;
  /** Every trainable variable, in a fixed order (weights export, optimizer state, gradients). */
  readonly params: readonly NamedParam[];
  /**
   * Next-token logits for every position: tokens int32 [N, T] -> float32 [N, T, V]. Pure (creates
   * tensors only), for use inside tf.tidy and gradient functions. Tokens the policy never emits
   * (<pad>, <bos>, <sep>) get {@link MASKED_LOGIT}.
   */
  logits(tokens: tf.Tensor2D): tf.Tensor3D;
  /** @internal structured weights for the forward passes in this folder. */
  readonly weights: PolicyWeights;
}

/** @internal */
export interface PolicyWeights {
  wte: tf.Variable;
  wpe: tf.Variable;
  blocks: BlockParams[];
  lnfg: tf.Variable;
  lnfb: tf.Variable;
}

/** Number of trainable scalars of a policy with this configuration (computed from the layout). */
export function parameterCount(config: PolicyConfig): number {
  return parameterTable(config).total;
}

function validateConfig(config: PolicyConfig): void {
  if (!(config.size in POLICY_SIZES)) throw new Error(`policy: unknown size "${config.size}"`);
  if (!Number.isInteger(config.vocabSize) || config.vocabSize < 5) {
    throw new Error(
      `policy: vocabSize must be an integer >= 5 (4 structural tokens + words), got ${config.vocabSize}`,
    );
  }
  if (!Number.isInteger(config.maxLen) || config.maxLen < 2) {
    throw new Error(`policy: maxLen must be an integer >= 2, got ${config.maxLen}`);
  }
}

let policyCounter = 0;

function assemble(config: PolicyConfig, values: (spec: ParamSpec) => tf.Tensor): Policy {
  validateConfig(config);
  const dims = POLICY_SIZES[config.size];
  const id = policyCounter++;
  const params: NamedParam[] = paramSpecs(config).map((spec) => {
    const initial = values(spec);
    // Engine names must be unique across all live policies; logical names stay stable.
    const variable = tf.variable(initial, true, `policy${id}/${spec.name}`);
    initial.dispose();
    return { name: spec.name, variable };
  });
  const byName = new Map(params.map((p) => [p.name, p.variable]));
  const get = (name: string): tf.Variable => byName.get(name)!;
  const weights: PolicyWeights = {
    wte: get('wte'),
    wpe: get('wpe'),
    blocks: Array.from({ length: dims.nLayers }, (_, l) => ({
      ln1g: get(`h${l}.ln1.g`),
      ln1b: get(`h${l}.ln1.b`),
      wq: get(`h${l}.attn.wq`),
      bq: get(`h${l}.attn.bq`),
      wk: get(`h${l}.attn.wk`),
      bk: get(`h${l}.attn.bk`),
      wv: get(`h${l}.attn.wv`),
      bv: get(`h${l}.attn.bv`),
      wo: get(`h${l}.attn.wo`),
      bo: get(`h${l}.attn.bo`),
      ln2g: get(`h${l}.ln2.g`),
      ln2b: get(`h${l}.ln2.b`),
      w1: get(`h${l}.mlp.w1`),
      b1: get(`h${l}.mlp.b1`),
      w2: get(`h${l}.mlp.w2`),
      b2: get(`h${l}.mlp.b2`),
    })),
    lnfg: get('lnf.g'),
    lnfb: get('lnf.b'),
  };
  const policy: Policy = {
    config: Object.freeze({ ...config }),
    dims,
    params,
    weights,
    logits: (tokens) => fullLogits(policy, tokens),
  };
  return policy;
}

/** A fresh policy, initialised from `rng` (which it advances). */
export function createPolicy(config: PolicyConfig, rng: Rng): Policy {
  return assemble(config, (spec) => {
    const n = sizeOf(spec.shape);
    const data = new Float32Array(n);
    if (spec.init === 'ones') data.fill(1);
    else if (spec.init === 'normal') for (let i = 0; i < n; i++) data[i] = rng.normal() * spec.std!;
    return tf.tensor(data, spec.shape, 'float32');
  });
}

/** A copy with its own variables (e.g. the frozen reference); copied on the device, no read back. */
export function clonePolicy(policy: Policy): Policy {
  const source = new Map(policy.params.map((p) => [p.name, p.variable]));
  return assemble(policy.config, (spec) => source.get(spec.name)!.clone());
}

export function disposePolicy(policy: Policy): void {
  for (const p of policy.params) p.variable.dispose();
}

export interface WeightArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** All weights, read back in one transfer. */
export async function getWeights(policy: Policy): Promise<WeightArray[]> {
  const flat = tf.tidy(() => tf.concat(policy.params.map((p) => p.variable.reshape([-1]))));
  const all = (await readBack(flat)) as Float32Array;
  flat.dispose();
  let offset = 0;
  return policy.params.map((p) => {
    const n = p.variable.size;
    const values = all.slice(offset, offset + n);
    offset += n;
    return { name: p.name, shape: p.variable.shape.slice(), values };
  });
}

/** Assign weights by name. Every parameter must be present with its exact shape. */
export function setWeights(policy: Policy, weights: readonly WeightArray[]): void {
  const given = new Map(weights.map((w) => [w.name, w]));
  const problems: string[] = [];
  for (const p of policy.params) {
    const w = given.get(p.name);
    if (!w) problems.push(`${p.name}: missing`);
    else if (w.shape.join(',') !== p.variable.shape.join(',')) {
      problems.push(`${p.name}: shape [${w.shape}] but the policy has [${p.variable.shape}]`);
    } else if (w.values.length !== p.variable.size) {
      problems.push(`${p.name}: ${w.values.length} values for ${p.variable.size}`);
    }
  }
  if (problems.length > 0) throw new Error(`setWeights: ${problems.join('; ')}`);
  tf.tidy(() => {
    for (const p of policy.params) {
      const w = given.get(p.name)!;
      p.variable.assign(tf.tensor(w.values, w.shape, 'float32'));
    }
  });
}

// ---------------------------------------------------------------------------------------------
// Forward passes. Activations stay 2-D ([rows, d]) except inside attention.

function mlp(x: tf.Tensor2D, blk: BlockParams): tf.Tensor2D {
  return dense(dense(layerNorm(x, blk.ln2g, blk.ln2b), blk.w1, blk.b1, true), blk.w2, blk.b2);
}

/** Token + position embedding of `tokens` [N, T] starting at position `pos0`: [N*T, d]. */
function embed(w: PolicyWeights, tokens: tf.Tensor2D, pos0: number, vocabSize: number): tf.Tensor2D {
  const [n, t] = tokens.shape;
  const d = w.wte.shape[1]!;
  const oneHot = floatOneHot(tokens.reshape([n * t]), vocabSize) as tf.Tensor2D;
  const tok = constTimes(oneHot, w.wte as tf.Tensor2D).reshape([n, t, d]);
  const pos = tf.slice(w.wpe, [pos0, 0], [t, d]);
  return tok.add(pos).reshape([n * t, d]);
}

/** Output head tied to the token embedding, with the never-emitted tokens masked. */
function head(w: PolicyWeights, h: tf.Tensor2D, vocabSize: number): tf.Tensor2D {
  const mask = new Float32Array(vocabSize);
  for (const id of NEVER_GENERATED) mask[id] = MASKED_LOGIT;
  return dense(layerNorm(h, w.lnfg, w.lnfb), tf.transpose(w.wte), tf.tensor1d(mask));
}

/** Per-layer keys and values for incremental decoding, in the layout of `toCache` (kernels/attention.ts). */
export interface KvCache {
  keys: tf.Tensor3D[];
  values: tf.Tensor3D[];
}

/**
 * Run all blocks over a full sequence x [N*T, d] with causal attention. Returns the final residual
 * stream and each layer's keys and values (for the sampler's cache).
 */
function blocksFull(
  policy: Policy,
  x: tf.Tensor2D,
  n: number,
  t: number,
  withCache = false,
): { h: tf.Tensor2D; cache: KvCache } {
  const { dModel: d, nHeads: nh } = policy.dims;
  const cache: KvCache = { keys: [], values: [] };
  for (const blk of policy.weights.blocks) {
    const h = layerNorm(x, blk.ln1g, blk.ln1b);
    const q = dense(h, blk.wq, blk.bq).reshape([n, t, d]) as tf.Tensor3D;
    const k = dense(h, blk.wk, blk.bk).reshape([n, t, d]) as tf.Tensor3D;
    const v = dense(h, blk.wv, blk.bv).reshape([n, t, d]) as tf.Tensor3D;
    const ctx = causalAttention(q, k, v, nh).reshape([n * t, d]) as tf.Tensor2D;
    x = x.add(dense(ctx, blk.wo, blk.bo));
    x = x.add(mlp(x, blk));
    if (withCache) {
      cache.keys.push(toCache(k, nh));
      cache.values.push(toCache(v, nh));
    }
  }
  return { h: x, cache };
}

function fullLogits(policy: Policy, tokens: tf.Tensor2D): tf.Tensor3D {
  const [n, t] = tokens.shape;
  const { vocabSize, maxLen } = policy.config;
  if (t > maxLen) throw new Error(`policy.logits: sequence length ${t} exceeds maxLen ${maxLen}`);
  const x = embed(policy.weights, tokens, 0, vocabSize);
  const { h } = blocksFull(policy, x, n, t);
  return head(policy.weights, h, vocabSize).reshape([n, t, vocabSize]);
}

/**
 * @internal Prefill for sampling: run the prompts [N, P], return the logits of the last position
 * [N, V] and the key/value cache.
 */
export function prefill(policy: Policy, prompts: tf.Tensor2D): { logits: tf.Tensor2D; cache: KvCache } {
  const [n, p] = prompts.shape;
  const { vocabSize } = policy.config;
  const d = policy.dims.dModel;
  const x = embed(policy.weights, prompts, 0, vocabSize);
  const { h, cache } = blocksFull(policy, x, n, p, true);
  const last = h
    .reshape([n, p, d])
    .slice([0, p - 1, 0], [n, 1, d])
    .reshape([n, d]) as tf.Tensor2D;
  return { logits: head(policy.weights, last, vocabSize), cache };
}

/**
 * @internal One decoding step: feed `token` [N] at position `pos`, attend over the cache plus
 * itself, return the next-token logits [N, V] and the extended cache.
 */
export function decodeStep(
  policy: Policy,
  token: tf.Tensor1D,
  pos: number,
  cache: KvCache,
): { logits: tf.Tensor2D; cache: KvCache } {
  const n = token.shape[0];
  const { dModel: d, nHeads: nh } = policy.dims;
  const { vocabSize } = policy.config;
  let x = embed(policy.weights, token.reshape([n, 1]), pos, vocabSize);
  const next: KvCache = { keys: [], values: [] };
  policy.weights.blocks.forEach((blk, l) => {
    const h = layerNorm(x, blk.ln1g, blk.ln1b);
    const q = dense(h, blk.wq, blk.bq).reshape([n, 1, d]) as tf.Tensor3D;
    const k = dense(h, blk.wk, blk.bk).reshape([n, 1, d]) as tf.Tensor3D;
    const v = dense(h, blk.wv, blk.bv).reshape([n, 1, d]) as tf.Tensor3D;
    const { ctx, keys, values } = attendCached(q, k, v, { keys: cache.keys[l], values: cache.values[l] }, nh);
    x = x.add(dense(ctx, blk.wo, blk.bo));
    x = x.add(mlp(x, blk));
    next.keys.push(keys);
    next.values.push(values);
  });
  return { logits: head(policy.weights, x, vocabSize), cache: next };
}
