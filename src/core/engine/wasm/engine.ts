/**
 * The fused CPU engine: the fused WebGPU engine's plan (webgpu/plan.ts) run as hand-written C
 * kernels compiled to WebAssembly with SIMD (kernels.c), on one thread, or with each large call
 * split across kernel threads on a shared memory where the page is isolated (threads.ts), with
 * results bit-identical to one thread. The policy, its gradients, Adam's moments and the frozen
 * reference are four flat arenas of the one parameter table in the module's linear memory, with
 * the arena layout of webgpu/layout.ts (each bias right after its weight, so [x, 1] [W; b] is one
 * product); activations live in regions laid out once per batch shape. The sampler runs every
 * rollout in lockstep one position at a time with a key/value cache.
 *
 * Numerically it is the TF.js engine computed in another order: the same loss with TF.js's tie
 * rules, the same Adam, the same Gumbel noise from the same seeded stream (tested against TF.js on
 * the cpu backend at every size).
 */
import { parameterTable, type ParamTable, type PolicyConfig } from '../../policy/param-table';
import type { AdamState } from '../../policy/adam';
import type { WeightArray } from '../../policy/model';
import { expandPrompts, rolloutLengths, validateSampling, type Rollouts } from '../../policy/sample';
import { EOS, MASKED_LOGIT, NEVER_GENERATED, PAD } from '../../policy/tokens';
import type { Rng } from '../../random/rng';
import {
  generatedMask,
  validateBatch,
  type GrpoBatch,
  type GrpoOptions,
  type GrpoStats,
} from '../../train/grpo';
import type { PolicyEngine, PolicyRole } from '../types';
import {
  AdamSettings,
  averageStats,
  checkLr,
  packArena,
  unpackArena,
  weightProblems,
  type FusedEngineOptions,
  type PassSums,
} from '../arena-state';
import { arenaLayout, type ArenaLayout } from '../webgpu/layout';
import { KERNELS_WASM_BASE64 } from './kernels.wasm';
import { splitKernels, startKernelThreads, type FusedWasmThreads, type KernelPool } from './threads';
import { profiled } from './profile';

const F32 = 4;
const RELU = 1;
const ADD_AUX = 2;
const RELU_MASK_AUX = 4;

/** The exports of kernels.c; every pointer is a byte offset into the module's memory. */
export interface Kernels {
  memory: WebAssembly.Memory;
  __heap_base: WebAssembly.Global;
  mm(...args: number[]): void;
  colsum(R: number, N: number, B: number, bRs: number, out: number): void;
  transpose(rows: number, cols: number, src: number, dst: number, dRs: number): void;
  layer_norm(...args: number[]): void;
  layer_norm_grad(...args: number[]): void;
  attention(...args: number[]): void;
  attention_grad(...args: number[]): void;
  embed(...args: number[]): void;
  embed_grad(...args: number[]): void;
  head_loss(...args: number[]): void;
  row_stats_sum(R: number, rowStats: number, out: number): void;
  grad_norm(total: number, g: number): number;
  adam(...args: number[]): void;
  embed_step(...args: number[]): void;
  attention_step(...args: number[]): void;
  sample_pick(...args: number[]): void;
}

let compiled: Promise<WebAssembly.Module> | null = null;

function kernelBytes(): Uint8Array<ArrayBuffer> {
  const text = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** A fresh instance of the kernels (each engine owns its memory); the module compiles once. */
export async function instantiateKernels(): Promise<Kernels> {
  compiled ??= WebAssembly.compile(kernelBytes());
  const instance = await WebAssembly.instantiate(await compiled, {});
  return profiled(instance.exports as unknown as Kernels);
}

/** Regions of the module's memory: a bump allocator over byte offsets, 16-byte aligned. */
class Heap {
  private top: number;
  constructor(private readonly k: Kernels) {
    this.top = Math.ceil(Number(k.__heap_base.value) / 16) * 16;
  }
  floats(n: number): number {
    const at = this.top;
    this.top += Math.ceil((n * F32) / 16) * 16;
    const need = this.top - this.k.memory.buffer.byteLength;
    if (need > 0) this.k.memory.grow(Math.ceil(need / 65536));
    return at;
  }
  f32(at: number, n: number): Float32Array {
    return new Float32Array(this.k.memory.buffer, at, n);
  }
  i32(at: number, n: number): Int32Array {
    return new Int32Array(this.k.memory.buffer, at, n);
  }
  u32(at: number, n: number): Uint32Array {
    return new Uint32Array(this.k.memory.buffer, at, n);
  }
}

interface LayerBuffers {
  h1: number;
  xhat1: number;
  rstd1: number;
  qkv: number;
  probs: number;
  ctx: number;
  xm: number;
  h2: number;
  xhat2: number;
  rstd2: number;
  a1: number;
}

interface UpdateRegions {
  /** Rows of this batch (the packed layout: see kernels.c), set by upload. */
  live: number;
  /** Sequence n's rows start at seq[n] (N + 1 entries). */
  seq: number;
  /** Per packed row: input token, position, target token, sequence. */
  rowTok: number;
  rowPos: number;
  rowTgt: number;
  rowSeq: number;
  adv: number;
  rowData: number;
  logps: number;
  logits: number;
  rowStats: number;
  xs: number[];
  layer: LayerBuffers[];
  hf: number;
  xhatf: number;
  rstdf: number;
  gx: number;
  gh: number;
  gctx: number;
  gqkv: number;
  ga1: number;
  ds: number;
  sums: number;
}

interface SampleRegions {
  tokens: number;
  draws: number;
  x: number;
  hb: number;
  qkv: number;
  ctx: number;
  mid: number;
  logits: number;
  sc: number;
  done: number;
  /** The running rollouts. */
  act: number;
  /** Per layer: k then v, [N, T, D] each. */
  cache: number[];
}

export class WasmFusedEngine implements PolicyEngine {
  readonly name = 'wasm-fused' as const;
  private readonly table: ParamTable;
  private readonly a: ArenaLayout;
  private readonly heap: Heap;
  private readonly params: number;
  private readonly grads: number;
  private readonly m1: number;
  private readonly m2: number;
  private readonly reference: number;
  /** Scratch for a transposed weight: wte^T [D, V], or the largest W^T. */
  private readonly wT: number;
  private readonly maskAdd: number;
  /** Scratch of one vocabulary row: the head's softmax, the sampler's noise. */
  private readonly softmax: number;
  private readonly updates = new Map<string, UpdateRegions>();
  private readonly samples = new Map<string, SampleRegions>();
  private readonly adam: AdamSettings;
  private calls = 0;
  /** The kernels, their large calls split across the pool's threads where there is one. */
  private readonly k: Kernels;

  private constructor(
    raw: Kernels,
    readonly config: PolicyConfig,
    opts: FusedEngineOptions,
    private readonly pool: KernelPool | null,
    splitAll = false,
  ) {
    this.table = parameterTable(config);
    this.a = arenaLayout(config);
    this.heap = new Heap(raw);
    // Profiled whole (a split call's time is its wall time), as instantiateKernels profiles one thread's.
    this.k = pool ? profiled(splitKernels(raw, pool, (floats) => this.heap.floats(floats), splitAll)) : raw;
    const total = this.table.total;
    [this.params, this.grads, this.m1, this.m2, this.reference] = [0, 1, 2, 3, 4].map(() =>
      this.heap.floats(total),
    );
    const { D, F, V, H } = this.a;
    // The attention kernels take a head four floats at a time.
    if ((D / H) % 4 !== 0) throw new Error(`fused wasm engine: head width ${D / H} is not a multiple of 4`);
    this.wT = this.heap.floats(Math.max(V * D, D * F, 3 * D * D));
    this.maskAdd = this.heap.floats(V);
    this.softmax = this.heap.floats(V);
    const mask = this.heap.f32(this.maskAdd, V);
    for (const id of NEVER_GENERATED) if (id < V) mask[id] = MASKED_LOGIT;
    this.adam = new AdamSettings(opts);
  }

  /**
   * `threads`: run on `threads.count` threads (threads.ts), bit-identical to one; where they cannot
   * start (no shared memory, a worker that fails), on one thread, and `onThreadsFailed` hears why.
   */
  static async create(
    config: PolicyConfig,
    opts: FusedEngineOptions,
    threads?: FusedWasmThreads,
  ): Promise<WasmFusedEngine> {
    if (threads && threads.count > 1) {
      try {
        const { kernels, pool } = await startKernelThreads(threads);
        return new WasmFusedEngine(kernels, config, opts, pool, threads.splitAll);
      } catch (error) {
        threads.onThreadsFailed?.(error instanceof Error ? error.message : String(error));
      }
    }
    return new WasmFusedEngine(await instantiateKernels(), config, opts, null);
  }

  /** The threads its kernels run on (1 without a pool). */
  get threads(): number {
    return this.pool?.threads ?? 1;
  }

  /** Kernel calls so far (the CPU's counterpart of the fused WebGPU engine's dispatches). */
  dispatches(): number {
    return this.calls;
  }

  private arena(role: PolicyRole): number {
    return role === 'policy' ? this.params : this.reference;
  }

  private regions(N: number, T: number): UpdateRegions {
    const key = `${N}x${T}`;
    let r = this.updates.get(key);
    if (r) return r;
    const { D, H, F, V, L } = this.a;
    const S = T - 1;
    const R = N * S;
    const h = this.heap;
    r = {
      live: 0,
      seq: h.floats(N + 1),
      rowTok: h.floats(R),
      rowPos: h.floats(R),
      rowTgt: h.floats(R),
      rowSeq: h.floats(R),
      adv: h.floats(N),
      rowData: h.floats(2 * R),
      logps: h.floats(2 * R),
      logits: h.floats(R * V),
      rowStats: h.floats(4 * R),
      xs: Array.from({ length: L + 1 }, () => h.floats(R * D)),
      layer: Array.from({ length: L }, () => ({
        h1: h.floats(R * D),
        xhat1: h.floats(R * D),
        rstd1: h.floats(R),
        qkv: h.floats(3 * R * D),
        probs: h.floats(N * H * S * S),
        ctx: h.floats(R * D),
        xm: h.floats(R * D),
        h2: h.floats(R * D),
        xhat2: h.floats(R * D),
        rstd2: h.floats(R),
        a1: h.floats(R * F),
      })),
      hf: h.floats(R * D),
      xhatf: h.floats(R * D),
      rstdf: h.floats(R),
      gx: h.floats(R * D),
      gh: h.floats(R * D),
      gctx: h.floats(R * D),
      gqkv: h.floats(3 * R * D),
      ga1: h.floats(R * F),
      ds: h.floats(S * S),
      sums: h.floats(4),
    };
    this.updates.set(key, r);
    return r;
  }

  /**
   * Upload the batch, packed: each sequence's rows up to its last scored target (the rows after it
   * feed nothing before them, so they add exact zeros to every sum TF.js takes over them), with
   * their tokens, positions and targets, [mask, 1 / (N T_n)] per row, and the advantages.
   */
  private upload(r: UpdateRegions, batch: GrpoBatch): number {
    const { rollouts, advantages } = batch;
    const { N, T, tokens } = rollouts;
    const S = T - 1;
    const R = N * S;
    const mask = generatedMask(rollouts);
    const h = this.heap;
    const [seq, rowTok, rowPos, rowTgt, rowSeq] = [
      h.i32(r.seq, N + 1),
      h.i32(r.rowTok, R),
      h.i32(r.rowPos, R),
      h.i32(r.rowTgt, R),
      h.i32(r.rowSeq, R),
    ];
    const rowData = h.f32(r.rowData, 2 * R);
    let valid = 0;
    let row = 0;
    for (let n = 0; n < N; n++) {
      let tn = 0;
      let last = -1;
      for (let s = 0; s < S; s++) {
        tn += mask[n * S + s];
        if (mask[n * S + s] > 0) last = s;
      }
      valid += tn;
      const coef = 1 / (N * Math.max(tn, 1));
      seq[n] = row;
      for (let s = 0; s <= last; s++, row++) {
        rowTok[row] = tokens[n * T + s];
        rowPos[row] = s;
        rowTgt[row] = tokens[n * T + s + 1];
        rowSeq[row] = n;
        rowData[2 * row] = mask[n * S + s];
        rowData[2 * row + 1] = coef;
      }
    }
    seq[N] = row;
    r.live = row;
    h.f32(r.adv, N).set(advantages);
    return Math.max(valid, 1);
  }

  /** The forward pass from arena `P`: mode 0 writes log-probabilities, mode 1 the loss's gradient. */
  private forward(
    P: number,
    r: UpdateRegions,
    N: number,
    T: number,
    mode: 0 | 1,
    opts: GrpoOptions,
    invValid: number,
    firstPass: boolean,
  ): void {
    const { k, a } = this;
    const { D, H, F, V } = a;
    const S = T - 1;
    const R = r.live;
    const at = (o: number) => P + o * F32;
    k.embed(R, D, at(a.wte), at(a.wpe), r.rowTok, r.rowPos, r.xs[0]);
    a.layers.forEach((w, l) => {
      const s = r.layer[l];
      k.layer_norm(R, D, r.xs[l], at(w.ln1g), at(w.ln1b), s.h1, s.xhat1, s.rstd1);
      for (let z = 0; z < 3; z++) {
        const wz = w.wq + z * a.qkvStride;
        k.mm(R, D, D, s.h1, D, 1, at(wz), D, s.qkv + z * D * F32, 3 * D, at(wz + D * D), 0, 0, 0);
      }
      k.attention(N, r.seq, S, D, H, s.qkv, s.ctx, s.probs);
      k.mm(R, D, D, s.ctx, D, 1, at(w.wo), D, s.xm, D, at(w.wo + D * D), r.xs[l], D, ADD_AUX);
      k.layer_norm(R, D, s.xm, at(w.ln2g), at(w.ln2b), s.h2, s.xhat2, s.rstd2);
      k.mm(R, F, D, s.h2, D, 1, at(w.w1), F, s.a1, F, at(w.w1 + D * F), 0, 0, RELU);
      k.mm(R, D, F, s.a1, F, 1, at(w.w2), D, r.xs[l + 1], D, at(w.w2 + F * D), s.xm, D, ADD_AUX);
      this.calls += 9;
    });
    k.layer_norm(R, D, r.xs[a.L], at(a.lnfg), at(a.lnfb), r.hf, r.xhatf, r.rstdf);
    k.transpose(V, D, at(a.wte), this.wT, V);
    k.mm(R, V, D, r.hf, D, 1, this.wT, V, r.logits, V, 0, 0, 0, 0);
    k.head_loss(
      R,
      V,
      mode,
      r.logits,
      this.maskAdd,
      r.rowTgt,
      r.rowSeq,
      r.rowData,
      r.adv,
      r.logps,
      N * S,
      r.rowStats,
      opts.temperature ?? 1,
      opts.epsClip,
      opts.betaKL,
      opts.entCoef,
      invValid,
      firstPass ? 1 : 0,
      this.softmax,
    );
    this.calls += 5;
  }

  /** The backward pass of a mode-1 forward into the gradient arena. */
  private backward(r: UpdateRegions, N: number, T: number): void {
    const { k, a, wT } = this;
    const { D, H, F, V, L } = a;
    const S = T - 1;
    const R = r.live;
    const p = (o: number) => this.params + o * F32;
    const g = (o: number) => this.grads + o * F32;
    // dlogits (in r.logits) -> wte's gradient from the head, and hf's.
    k.mm(V, D, R, r.logits, 1, V, r.hf, D, g(a.wte), D, 0, 0, 0, 0);
    k.mm(R, D, V, r.logits, V, 1, p(a.wte), D, r.gh, D, 0, 0, 0, 0);
    k.layer_norm_grad(R, D, p(a.lnfg), r.gh, r.xhatf, r.rstdf, r.gx, 0, g(a.lnfg), g(a.lnfb));
    for (let l = L - 1; l >= 0; l--) {
      const w = a.layers[l];
      const s = r.layer[l];
      k.mm(F, D, R, s.a1, 1, F, r.gx, D, g(w.w2), D, 0, 0, 0, 0);
      k.colsum(R, D, r.gx, D, g(w.w2 + F * D));
      k.transpose(F, D, p(w.w2), wT, F);
      k.mm(R, F, D, r.gx, D, 1, wT, F, r.ga1, F, 0, s.a1, F, RELU_MASK_AUX);
      k.mm(D, F, R, s.h2, 1, D, r.ga1, F, g(w.w1), F, 0, 0, 0, 0);
      k.colsum(R, F, r.ga1, F, g(w.w1 + D * F));
      k.transpose(D, F, p(w.w1), wT, D);
      k.mm(R, D, F, r.ga1, F, 1, wT, D, r.gh, D, 0, 0, 0, 0);
      k.layer_norm_grad(R, D, p(w.ln2g), r.gh, s.xhat2, s.rstd2, r.gx, 1, g(w.ln2g), g(w.ln2b));
      k.mm(D, D, R, s.ctx, 1, D, r.gx, D, g(w.wo), D, 0, 0, 0, 0);
      k.colsum(R, D, r.gx, D, g(w.wo + D * D));
      k.transpose(D, D, p(w.wo), wT, D);
      k.mm(R, D, D, r.gx, D, 1, wT, D, r.gctx, D, 0, 0, 0, 0);
      k.attention_grad(N, r.seq, S, D, H, s.qkv, r.gctx, s.probs, r.gqkv, r.ds);
      for (let z = 0; z < 3; z++) {
        const wz = w.wq + z * a.qkvStride;
        const gz = r.gqkv + z * D * F32;
        k.mm(D, D, R, s.h1, 1, D, gz, 3 * D, g(wz), D, 0, 0, 0, 0);
        k.colsum(R, D, gz, 3 * D, g(wz + D * D));
        // Stacked [Wq^T; Wk^T; Wv^T] [3D, D]: dh = [dq, dk, dv] times it, one product.
        k.transpose(D, D, p(wz), wT + z * D * D * F32, D);
      }
      k.mm(R, D, 3 * D, r.gqkv, 3 * D, 1, wT, D, r.gh, D, 0, 0, 0, 0);
      k.layer_norm_grad(R, D, p(w.ln1g), r.gh, s.xhat1, s.rstd1, r.gx, 1, g(w.ln1g), g(w.ln1b));
      this.calls += 25;
    }
    k.embed_grad(R, D, a.maxLen, r.rowTok, r.rowPos, r.gx, g(a.wte), g(a.wpe));
    this.calls += 4;
  }

  /** Gradient norm, clip and Adam over the arena; returns the unclipped norm. */
  private optimize(opts: GrpoOptions): number {
    const { k } = this;
    const total = this.table.total;
    const norm = k.grad_norm(total, this.grads);
    const maxNorm = opts.maxGradNorm > 0 && Number.isFinite(opts.maxGradNorm) ? opts.maxGradNorm : 0;
    const clip = maxNorm > 0 ? maxNorm / Math.max(norm, maxNorm) : 1;
    const { stepSize, invSqrtBc2 } = this.adam.next();
    k.adam(
      total,
      this.params,
      this.grads,
      this.m1,
      this.m2,
      clip,
      this.adam.beta1,
      this.adam.beta2,
      stepSize,
      invSqrtBc2,
      this.adam.epsilon,
    );
    this.calls += 2;
    return norm;
  }

  async sample(
    prompts: Int32Array,
    B: number,
    P: number,
    G: number,
    maxNew: number,
    temperature: number,
    rng: Rng,
  ): Promise<Rollouts> {
    validateSampling(this.config, prompts, B, P, G, maxNew, temperature);
    const N = B * G;
    const T = P + maxNew;
    const { k, a, heap } = this;
    const { D, H, F, V } = a;
    const key = `${N}x${T}`;
    let s = this.samples.get(key);
    if (!s) {
      s = {
        tokens: heap.floats(N * T),
        draws: heap.floats(maxNew * N * V),
        x: heap.floats(N * D),
        hb: heap.floats(N * D),
        qkv: heap.floats(3 * N * D),
        ctx: heap.floats(N * D),
        mid: heap.floats(N * F),
        logits: heap.floats(N * V),
        sc: heap.floats(T),
        done: heap.floats(N),
        act: heap.floats(N),
        cache: Array.from({ length: 2 * a.L }, () => heap.floats(N * T * D)),
      };
      this.samples.set(key, s);
    }
    const rows = heap.i32(s.tokens, N * T);
    expandPrompts(prompts, G, P, T, rows.fill(PAD));
    heap.i32(s.done, N).fill(0);
    let A = N;
    const running = heap.i32(s.act, N);
    for (let n = 0; n < N; n++) running[n] = n;
    // The same draws, in the same order and layout [maxNew, N, V], as the TF.js sampler's noise.
    const greedy = !(temperature > 0);
    if (!greedy) heap.u32(s.draws, maxNew * N * V).set(rng.uint32Array(maxNew * N * V));
    const p = (o: number) => this.params + o * F32;
    k.transpose(V, D, p(a.wte), this.wT, V);
    for (let pos = 0; pos < T - 1 && A > 0; pos++) {
      k.embed_step(A, s.act, T, pos, D, p(a.wte), p(a.wpe), s.tokens, s.x);
      a.layers.forEach((w, l) => {
        k.layer_norm(A, D, s.x, p(w.ln1g), p(w.ln1b), s.hb, 0, 0);
        for (let z = 0; z < 3; z++) {
          const wz = w.wq + z * a.qkvStride;
          k.mm(A, D, D, s.hb, D, 1, p(wz), D, s.qkv + z * D * F32, 3 * D, p(wz + D * D), 0, 0, 0);
        }
        k.attention_step(A, s.act, T, pos, D, H, s.qkv, s.cache[2 * l], s.cache[2 * l + 1], s.ctx, s.sc);
        k.mm(A, D, D, s.ctx, D, 1, p(w.wo), D, s.x, D, p(w.wo + D * D), s.x, D, ADD_AUX);
        k.layer_norm(A, D, s.x, p(w.ln2g), p(w.ln2b), s.hb, 0, 0);
        k.mm(A, F, D, s.hb, D, 1, p(w.w1), F, s.mid, F, p(w.w1 + D * F), 0, 0, RELU);
        k.mm(A, D, F, s.mid, F, 1, p(w.w2), D, s.x, D, p(w.w2 + F * D), s.x, D, ADD_AUX);
        this.calls += 9;
      });
      if (pos >= P - 1) {
        const gen = pos - (P - 1);
        k.layer_norm(A, D, s.x, p(a.lnfg), p(a.lnfb), s.hb, 0, 0);
        k.mm(A, V, D, s.hb, D, 1, this.wT, V, s.logits, V, 0, 0, 0, 0);
        const draws = s.draws + gen * N * V * F32;
        k.sample_pick(
          A,
          s.act,
          V,
          T,
          pos,
          s.logits,
          this.maskAdd,
          draws,
          greedy ? 1 : 0,
          temperature,
          s.tokens,
          s.done,
          PAD,
          EOS,
          this.softmax,
        );
        this.calls += 3;
        // Drop the rollouts that have just emitted eos: their later tokens stay <pad>.
        const done = heap.i32(s.done, N);
        const running = heap.i32(s.act, N);
        let kept = 0;
        for (let i = 0; i < A; i++) if (!done[running[i]]) running[kept++] = running[i];
        A = kept;
      }
      this.calls += 1;
    }
    const tokens = heap.i32(s.tokens, N * T).slice();
    return { tokens, lengths: rolloutLengths(tokens, N, P, maxNew), N, T, P };
  }

  async update(batch: GrpoBatch, opts: GrpoOptions): Promise<GrpoStats> {
    validateBatch(batch, opts);
    const { N, T } = batch.rollouts;
    const r = this.regions(N, T);
    const valid = this.upload(r, batch);
    const passes: PassSums[] = [];
    for (let pass = 0; pass < opts.mu; pass++) {
      if (pass === 0) this.forward(this.reference, r, N, T, 0, opts, 1 / valid, true);
      this.forward(this.params, r, N, T, 1, opts, 1 / valid, pass === 0);
      this.backward(r, N, T);
      this.k.row_stats_sum(r.live, r.rowStats, r.sums);
      const [clipSum, clipped, klSum, entropySum] = this.heap.f32(r.sums, 4);
      const gradNorm = Math.fround(this.optimize(opts));
      passes.push({ clipSum, clipped, klSum, entropySum, gradNorm });
    }
    return averageStats(passes, valid, opts);
  }

  /**
   * @internal For the equivalence tests: the gradient arena after one update pass on `batch`
   * (pass 0: the old policy is the current one), without the optimizer step; and the policy's
   * log-probabilities of the batch's tokens.
   */
  async gradientOf(
    batch: GrpoBatch,
    opts: GrpoOptions,
  ): Promise<{ grads: WeightArray[]; logp: Float32Array }> {
    const { N, T } = batch.rollouts;
    const r = this.regions(N, T);
    const valid = this.upload(r, batch);
    this.forward(this.reference, r, N, T, 0, opts, 1 / valid, true);
    this.forward(this.params, r, N, T, 1, opts, 1 / valid, true);
    this.backward(r, N, T);
    const grads = this.read(this.grads);
    this.forward(this.params, r, N, T, 0, opts, 1 / valid, true);
    // Back to [N, T - 1]; the rows left out (after each sequence's last target) read 0.
    const logp = new Float32Array(N * (T - 1));
    const packed = this.heap.f32(r.logps, r.live);
    const [rowSeq, rowPos] = [this.heap.i32(r.rowSeq, r.live), this.heap.i32(r.rowPos, r.live)];
    for (let i = 0; i < r.live; i++) logp[rowSeq[i] * (T - 1) + rowPos[i]] = packed[i];
    return { grads, logp };
  }

  private read(at: number): WeightArray[] {
    return unpackArena(this.table, this.heap.f32(at, this.table.total));
  }

  private write(at: number, weights: readonly WeightArray[]): void {
    packArena(this.table, weights, '', this.heap.f32(at, this.table.total));
  }

  async getWeights(role: PolicyRole): Promise<WeightArray[]> {
    return this.read(this.arena(role));
  }

  setWeights(role: PolicyRole, weights: readonly WeightArray[]): void {
    const problems = weightProblems(this.table, weights);
    if (problems.length > 0) throw new Error(`setWeights: ${problems.join('; ')}`);
    this.write(this.arena(role), weights);
  }

  async getOptimizerState(): Promise<AdamState> {
    const total = this.table.total;
    return this.adam.state(this.table, {
      m: this.heap.f32(this.m1, total),
      v: this.heap.f32(this.m2, total),
    });
  }

  setOptimizerState(state: AdamState): void {
    const { m, v } = this.adam.restore(this.table, state);
    this.heap.f32(this.m1, this.table.total).set(m);
    this.heap.f32(this.m2, this.table.total).set(v);
  }

  setLearningRate(lr: number): void {
    this.adam.lr = checkLr(lr);
  }

  dispose(): void {
    // The memory goes with the instance once nothing holds the engine.
    this.updates.clear();
    this.samples.clear();
    this.pool?.dispose();
  }
}
