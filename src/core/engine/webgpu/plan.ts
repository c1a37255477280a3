/**
 * The dispatch lists of one model shape and one batch shape, built once: the buffers of every
 * activation and gradient, a uniform of fixed sizes and offsets per dispatch, and the bind groups.
 * A step then only writes its inputs and the pass's scalars, and submits these lists.
 *
 * Forward, per layer (x the residual stream, one [R, d] buffer per layer boundary):
 *   h1 = LN1(x); qkv = [h1, 1] [Wq;bq | Wk;bk | Wv;bv]; ctx = attention(qkv);
 *   xm = x + [ctx, 1] [Wo; bo]; h2 = LN2(xm); a1 = relu([h2, 1] [W1; b1]); x' = xm + [a1, 1] [W2; b2]
 * then hf = LNf(x_L) and the head with the loss (head-loss.ts). The backward pass walks it back with
 * the saved activations, one product per weight gradient (its bias's included) and one per input
 * gradient, then the gradient norm and Adam over the whole arena.
 */
import {
  ADD_AUX,
  MATMUL_TILE,
  MATMUL_UNIFORM_FIELDS,
  ONES_COLUMN,
  ONES_ROW,
  RELU,
  RELU_MASK_AUX,
  matmulShader,
  type MatmulUniforms,
} from './kernels/matmul';
import { EMBED_UNIFORM_FIELDS, embedShader } from './kernels/embed';
import { EMBED_GRAD_UNIFORM_FIELDS, embedGradShader } from './kernels/embed-grad';
import { LAYER_NORM_UNIFORM_FIELDS, layerNormShader } from './kernels/layer-norm';
import {
  LAYER_NORM_GRAD_UNIFORM_FIELDS,
  layerNormGradGroups,
  layerNormGradShader,
} from './kernels/layer-norm-grad';
import { attentionShader } from './kernels/attention';
import { attentionGradShader } from './kernels/attention-grad';
import { headLossShader } from './kernels/head-loss';
import { NORM_PARTS, gradNormShader } from './kernels/grad-norm';
import { adamShader } from './kernels/adam';
import { SPLIT_K_SUM_UNIFORM_FIELDS, splitKSumShader } from './kernels/split-k-sum';
import { sampleShader } from './kernels/sample';
import { STATS_PER_PASS } from './kernels/step-uniform';
import type { Dispatch, GpuContext } from './gpu';
import type { ArenaLayout } from './layout';

/** The four arenas of one policy and the frozen reference's parameters. */
export interface Arenas {
  params: GPUBuffer;
  grads: GPUBuffer;
  m1: GPUBuffer;
  m2: GPUBuffer;
  reference: GPUBuffer;
}

const F32 = 4;
const ceil = (a: number, b: number) => Math.ceil(a / b);

/** A uniform of u32 fields in the order the shader's struct declares them. */
function packU32<F extends string>(fields: readonly F[], values: Record<F, number>): ArrayBuffer {
  const out = new Uint32Array(Math.max(4, Math.ceil(fields.length / 4) * 4));
  fields.forEach((f, i) => {
    const v = values[f];
    if (!Number.isInteger(v) || v < 0) throw new Error(`fused engine: uniform ${f} = ${v}`);
    out[i] = v;
  });
  return out.buffer;
}

export interface UpdatePlan {
  readonly N: number;
  readonly T: number;
  readonly tokens: GPUBuffer;
  readonly rowData: GPUBuffer;
  readonly logps: GPUBuffer;
  readonly stats: GPUBuffer;
  /** Passes the stats buffer has room for. */
  readonly maxPasses: number;
  /** The reference's forward pass, writing its log-probabilities (head mode 0). */
  readonly referenceForward: readonly Dispatch[];
  /** The policy's forward pass, writing its log-probabilities only (tests). */
  readonly policyLogProbs: readonly Dispatch[];
  /** One update pass: forward with the loss, backward into the gradient arena. */
  readonly gradient: readonly Dispatch[];
  /** Gradient norm, clip and Adam over the arena. */
  readonly optimizer: readonly Dispatch[];
  /** A whole update pass: gradient then optimizer, one list so that a step allocates nothing. */
  readonly pass: readonly Dispatch[];
  readonly buffers: readonly GPUBuffer[];
}

export function buildUpdatePlan(
  gpu: GpuContext,
  a: ArenaLayout,
  arenas: Arenas,
  step: GPUBuffer,
  N: number,
  T: number,
  maxPasses: number,
): UpdatePlan {
  const { D, H, F, V, L } = a;
  const S = T - 1;
  const R = N * S;
  const owned: GPUBuffer[] = [];
  const buf = (floats: number, label: string) => {
    const b = gpu.storage(floats * F32, label);
    owned.push(b);
    return b;
  };
  const uni = (data: ArrayBuffer, label: string) => {
    const b = gpu.uniform(data, label);
    owned.push(b);
    return b;
  };
  const dummy = buf(4, 'unused');

  const tokens = buf(N * T, 'tokens');
  const rowData = buf(2 * R + N, 'rowData');
  const logps = buf(2 * R, 'logps');
  const dlogits = buf(R * V, 'dlogits');
  const rowStats = buf(4 * R, 'rowStats');
  const partial = buf(NORM_PARTS, 'norm partials');
  const stats = buf(maxPasses * STATS_PER_PASS, 'stats');
  const xs = Array.from({ length: L + 1 }, (_, l) => buf(R * D, `x${l}`));
  const layer = Array.from({ length: L }, (_, l) => ({
    h1: buf(R * D, `h${l}.h1`),
    xhat1: buf(R * D, `h${l}.xhat1`),
    rstd1: buf(R, `h${l}.rstd1`),
    qkv: buf(R * 3 * D, `h${l}.qkv`),
    probs: buf(N * H * S * S, `h${l}.probs`),
    ctx: buf(R * D, `h${l}.ctx`),
    xm: buf(R * D, `h${l}.xm`),
    h2: buf(R * D, `h${l}.h2`),
    xhat2: buf(R * D, `h${l}.xhat2`),
    rstd2: buf(R, `h${l}.rstd2`),
    a1: buf(R * F, `h${l}.a1`),
  }));
  const hf = buf(R * D, 'hf');
  const xhatf = buf(R * D, 'xhatf');
  const rstdf = buf(R, 'rstdf');
  const gx = buf(R * D, 'grad x');
  const gh = buf(R * D, 'grad h');
  const gctx = buf(R * D, 'grad ctx');
  const gqkv = buf(R * 3 * D, 'grad qkv');
  const ga1 = buf(R * F, 'grad a1');

  const pMatmul = gpu.pipeline(matmulShader(), 'matmul');
  const pEmbed = gpu.pipeline(embedShader(), 'embed');
  const pEmbedGrad = gpu.pipeline(embedGradShader(), 'embed grad');
  const pLn = gpu.pipeline(layerNormShader(), 'layer norm');
  const pLnGrad = gpu.pipeline(layerNormGradShader(), 'layer norm grad');
  const pAttn = gpu.pipeline(attentionShader({ S, D, H }), 'attention');
  const pAttnGrad = gpu.pipeline(attentionGradShader({ S, D, H }), 'attention grad');
  const pHead = gpu.pipeline(headLossShader({ D, V, S, T, R }), 'head loss');
  const pNorm = gpu.pipeline(gradNormShader(), 'grad norm');
  const pAdam = gpu.pipeline(adamShader(), 'adam');
  const pSplitSum = gpu.pipeline(splitKSumShader(), 'split-k sum');

  const zeroMatmul: MatmulUniforms = Object.fromEntries(
    MATMUL_UNIFORM_FIELDS.map((f) => [f, 0]),
  ) as MatmulUniforms;
  // Split-K for the weight gradients (few output tiles, K = R rows): see kernels/matmul.ts.
  const splitsOf = (K: number) => Math.min(16, Math.ceil(K / 128));
  const scratchFloats = splitsOf(R) * Math.max((F + 1) * D, (D + 1) * F, 3 * (D + 1) * D, V * D);
  const scratch = buf(scratchFloats, 'split-k partials');
  const matmul = (
    label: string,
    [A, B, C, aux]: [GPUBuffer, GPUBuffer, GPUBuffer, GPUBuffer?],
    u: Partial<MatmulUniforms> & Pick<MatmulUniforms, 'M' | 'N' | 'K'>,
    z = 1,
  ): Dispatch[] => {
    const tiles = ceil(u.N, MATMUL_TILE) * ceil(u.M, MATMUL_TILE) * z;
    const split = u.K >= 256 && tiles < 64 && !u.flags;
    const splits = split ? splitsOf(u.K) : 1;
    const kChunk = split ? Math.ceil(Math.ceil(u.K / splits) / 16) * 16 : u.K;
    const values = { ...zeroMatmul, kBlock: u.K, ...u, splits, kChunk };
    const groups = [ceil(u.N, MATMUL_TILE), ceil(u.M, MATMUL_TILE), z * splits] as const;
    if (!split)
      return [
        gpu.dispatch(
          label,
          pMatmul,
          [uni(packU32(MATMUL_UNIFORM_FIELDS, values), label), A, B, C, aux ?? dummy],
          groups,
        ),
      ];
    if (z * splits * u.M * u.N > scratchFloats)
      throw new Error(`fused engine: ${label} overflows the split-K scratch`);
    const sum = { M: u.M, N: u.N, Z: z, splits, cOff: u.cOff ?? 0, cRs: u.cRs ?? u.N, cZs: u.cZs ?? 0 };
    return [
      gpu.dispatch(
        label,
        pMatmul,
        [uni(packU32(MATMUL_UNIFORM_FIELDS, values), label), A, B, scratch, aux ?? dummy],
        groups,
      ),
      gpu.dispatch(
        `${label} (sum)`,
        pSplitSum,
        [uni(packU32(SPLIT_K_SUM_UNIFORM_FIELDS, sum), `${label} (sum)`), scratch, C],
        [ceil(z * u.M * u.N, 256)],
      ),
    ];
  };
  const layerNorm = (
    label: string,
    P: GPUBuffer,
    x: GPUBuffer,
    y: GPUBuffer,
    xhat: GPUBuffer,
    rstd: GPUBuffer,
    g: number,
    b: number,
  ) =>
    gpu.dispatch(
      label,
      pLn,
      [uni(packU32(LAYER_NORM_UNIFORM_FIELDS, { R, D, g, b }), label), P, x, y, xhat, rstd],
      [ceil(R, 64)],
    );

  const forward = (P: GPUBuffer, mode: 0 | 1, label: string): Dispatch[] => {
    const out: Dispatch[] = [
      gpu.dispatch(
        `${label} embed`,
        pEmbed,
        [
          uni(packU32(EMBED_UNIFORM_FIELDS, { count: R * D, S, T, D, wte: a.wte, wpe: a.wpe }), 'embed'),
          P,
          tokens,
          xs[0],
        ],
        [ceil(R * D, 256)],
      ),
    ];
    a.layers.forEach((w, l) => {
      const s = layer[l];
      out.push(
        layerNorm(`${label} h${l}.ln1`, P, xs[l], s.h1, s.xhat1, s.rstd1, w.ln1g, w.ln1b),
        ...matmul(
          `${label} h${l}.qkv`,
          [s.h1, P, s.qkv],
          {
            M: R,
            N: D,
            K: D + 1,
            aRs: D,
            aCs: 1,
            bOff: w.wq,
            bRs: D,
            bCs: 1,
            bZs: a.qkvStride,
            cRs: 3 * D,
            cZs: D,
            ones: ONES_COLUMN,
          },
          3,
        ),
        gpu.dispatch(`${label} h${l}.attention`, pAttn, [s.qkv, s.ctx, s.probs], [N, H]),
        ...matmul(`${label} h${l}.wo`, [s.ctx, P, s.xm, xs[l]], {
          M: R,
          N: D,
          K: D + 1,
          aRs: D,
          aCs: 1,
          bOff: w.wo,
          bRs: D,
          bCs: 1,
          cRs: D,
          auxRs: D,
          flags: ADD_AUX,
          ones: ONES_COLUMN,
        }),
        layerNorm(`${label} h${l}.ln2`, P, s.xm, s.h2, s.xhat2, s.rstd2, w.ln2g, w.ln2b),
        ...matmul(`${label} h${l}.w1`, [s.h2, P, s.a1], {
          M: R,
          N: F,
          K: D + 1,
          aRs: D,
          aCs: 1,
          bOff: w.w1,
          bRs: F,
          bCs: 1,
          cRs: F,
          flags: RELU,
          ones: ONES_COLUMN,
        }),
        ...matmul(`${label} h${l}.w2`, [s.a1, P, xs[l + 1], s.xm], {
          M: R,
          N: D,
          K: F + 1,
          aRs: F,
          aCs: 1,
          bOff: w.w2,
          bRs: D,
          bCs: 1,
          cRs: D,
          auxRs: D,
          flags: ADD_AUX,
          ones: ONES_COLUMN,
        }),
      );
    });
    out.push(
      layerNorm(`${label} lnf`, P, xs[L], hf, xhatf, rstdf, a.lnfg, a.lnfb),
      gpu.dispatch(
        `${label} head`,
        pHead,
        [
          uni(packU32(['mode', 'wte'] as const, { mode, wte: a.wte }), 'head'),
          step,
          P,
          hf,
          tokens,
          rowData,
          logps,
          dlogits,
          rowStats,
        ],
        [R],
      ),
    );
    return out;
  };

  const { params: P, grads: G } = arenas;
  const lnGrad = (
    label: string,
    dy: GPUBuffer,
    xhat: GPUBuffer,
    rstd: GPUBuffer,
    g: number,
    b: number,
    accumulate: 0 | 1,
  ) =>
    gpu.dispatch(
      label,
      pLnGrad,
      [
        uni(packU32(LAYER_NORM_GRAD_UNIFORM_FIELDS, { R, D, g, gradG: g, gradB: b, accumulate }), label),
        P,
        dy,
        xhat,
        rstd,
        gx,
        G,
      ],
      [layerNormGradGroups(R, D)],
    );
  const backward: Dispatch[] = [
    ...matmul('grad wte (head)', [dlogits, hf, G], {
      M: V,
      N: D,
      K: R,
      aRs: 1,
      aCs: V,
      bRs: D,
      bCs: 1,
      cOff: a.wte,
      cRs: D,
    }),
    ...matmul('grad hf', [dlogits, P, gh], {
      M: R,
      N: D,
      K: V,
      aRs: V,
      aCs: 1,
      bOff: a.wte,
      bRs: D,
      bCs: 1,
      cRs: D,
    }),
    lnGrad('grad lnf', gh, xhatf, rstdf, a.lnfg, a.lnfb, 0),
  ];
  for (let l = L - 1; l >= 0; l--) {
    const w = a.layers[l];
    const s = layer[l];
    backward.push(
      ...matmul(`grad h${l}.w2`, [s.a1, gx, G], {
        M: F + 1,
        N: D,
        K: R,
        aRs: 1,
        aCs: F,
        bRs: D,
        bCs: 1,
        cOff: w.w2,
        cRs: D,
        ones: ONES_ROW,
      }),
      ...matmul(`grad h${l}.a1`, [gx, P, ga1, s.a1], {
        M: R,
        N: F,
        K: D,
        aRs: D,
        aCs: 1,
        bOff: w.w2,
        bRs: 1,
        bCs: D,
        cRs: F,
        auxRs: F,
        flags: RELU_MASK_AUX,
      }),
      ...matmul(`grad h${l}.w1`, [s.h2, ga1, G], {
        M: D + 1,
        N: F,
        K: R,
        aRs: 1,
        aCs: D,
        bRs: F,
        bCs: 1,
        cOff: w.w1,
        cRs: F,
        ones: ONES_ROW,
      }),
      ...matmul(`grad h${l}.h2`, [ga1, P, gh], {
        M: R,
        N: D,
        K: F,
        aRs: F,
        aCs: 1,
        bOff: w.w1,
        bRs: 1,
        bCs: F,
        cRs: D,
      }),
      lnGrad(`grad h${l}.ln2`, gh, s.xhat2, s.rstd2, w.ln2g, w.ln2b, 1),
      ...matmul(`grad h${l}.wo`, [s.ctx, gx, G], {
        M: D + 1,
        N: D,
        K: R,
        aRs: 1,
        aCs: D,
        bRs: D,
        bCs: 1,
        cOff: w.wo,
        cRs: D,
        ones: ONES_ROW,
      }),
      ...matmul(`grad h${l}.ctx`, [gx, P, gctx], {
        M: R,
        N: D,
        K: D,
        aRs: D,
        aCs: 1,
        bOff: w.wo,
        bRs: 1,
        bCs: D,
        cRs: D,
      }),
      gpu.dispatch(`grad h${l}.attention`, pAttnGrad, [s.qkv, gctx, s.probs, gqkv], [N, H]),
      ...matmul(
        `grad h${l}.wqkv`,
        [s.h1, gqkv, G],
        {
          M: D + 1,
          N: D,
          K: R,
          aRs: 1,
          aCs: D,
          bRs: 3 * D,
          bCs: 1,
          bZs: D,
          cOff: w.wq,
          cRs: D,
          cZs: a.qkvStride,
          ones: ONES_ROW,
        },
        3,
      ),
      ...matmul(`grad h${l}.h1`, [gqkv, P, gh], {
        M: R,
        N: D,
        K: 3 * D,
        kBlock: D,
        aRs: 3 * D,
        aCs: 1,
        bOff: w.wq,
        bBlockStride: a.qkvStride,
        bRs: 1,
        bCs: D,
        cRs: D,
      }),
      lnGrad(`grad h${l}.ln1`, gh, s.xhat1, s.rstd1, w.ln1g, w.ln1b, 1),
    );
  }
  backward.push(
    gpu.dispatch(
      'grad embed',
      pEmbedGrad,
      [
        uni(
          packU32(EMBED_GRAD_UNIFORM_FIELDS, { N, S, T, D, V, maxLen: a.maxLen, wte: a.wte, wpe: a.wpe }),
          'embed grad',
        ),
        tokens,
        gx,
        G,
      ],
      [ceil((V + a.maxLen) * D, 256)],
    ),
  );
  const optimizer: Dispatch[] = [
    gpu.dispatch(
      'grad norm',
      pNorm,
      [
        uni(packU32(['total', 'R'] as const, { total: a.total, R }), 'grad norm'),
        step,
        G,
        rowStats,
        partial,
        stats,
      ],
      [NORM_PARTS + 1],
    ),
    gpu.dispatch(
      'adam',
      pAdam,
      [
        uni(packU32(['total'] as const, { total: a.total }), 'adam'),
        step,
        P,
        G,
        arenas.m1,
        arenas.m2,
        partial,
        stats,
      ],
      [ceil(a.total, 256)],
    ),
  ];
  const gradient = [...forward(P, 1, 'policy'), ...backward];
  return {
    N,
    T,
    tokens,
    rowData,
    logps,
    stats,
    maxPasses,
    referenceForward: forward(arenas.reference, 0, 'reference'),
    policyLogProbs: forward(P, 0, 'policy'),
    gradient,
    optimizer,
    pass: [...gradient, ...optimizer],
    buffers: owned,
  };
}

export interface SamplePlan {
  readonly N: number;
  readonly T: number;
  readonly P: number;
  readonly tokens: GPUBuffer;
  readonly gumbel: GPUBuffer;
  readonly settings: GPUBuffer;
  readonly sample: readonly Dispatch[];
  readonly buffers: readonly GPUBuffer[];
}

export function buildSamplePlan(
  gpu: GpuContext,
  a: ArenaLayout,
  params: GPUBuffer,
  N: number,
  T: number,
  P: number,
): SamplePlan {
  const maxNew = T - P;
  const tokens = gpu.storage(N * T * F32, 'sample tokens');
  const gumbel = gpu.storage(maxNew * N * a.V * F32, 'sample draws');
  const cache = gpu.storage(N * a.L * 2 * T * a.D * F32, 'kv cache');
  const settings = gpu.uniform(new ArrayBuffer(16), 'sample settings');
  const pipeline = gpu.pipeline(sampleShader(a, { T, P }), 'sample');
  const sample = [gpu.dispatch('sample', pipeline, [settings, params, tokens, gumbel, cache], [N])];
  return { N, T, P, tokens, gumbel, settings, sample, buffers: [tokens, gumbel, cache, settings] };
}
