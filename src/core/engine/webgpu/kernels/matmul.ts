/**
 * Every dense product of the forward and backward passes in one shader:
 * C[z] (+)= op(A[z]) op(B[z]) with an optional epilogue (ReLU, a residual added, a ReLU mask
 * applied, or accumulation into C). Transposes are strides, so the same pipeline serves x W,
 * dy W^T and x^T dy; `z` runs q, k and v (or their weight gradients) in one dispatch.
 *
 * Biases cost nothing extra: a weight [in, out] and its bias [out] sit next to each other in the
 * parameter arena, i.e. one [in + 1, out] matrix, and `ones` appends the matching column of ones
 * to A (forward: x [R, in] -> [x, 1]) or row of ones (weight gradient: x^T [in, R] -> [x^T; 1^T]),
 * so the bias's gradient comes out as the last row of the weight's.
 *
 * `kBlock`: B's rows come in blocks of kBlock spaced bBlockStride apart, so that the input
 * gradient of the q/k/v projection, dh = dq Wq^T + dk Wk^T + dv Wv^T, is one product over K = 3d.
 * Tiles of 32 x 32 outputs per workgroup of 64 threads, each thread a 4 x 4 block in registers,
 * K in steps of 16 through workgroup memory: few barriers per multiply-add, which is what costs
 * on SwiftShader and on small GPU workgroups alike.
 *
 * Split-K (`splits` > 1): a weight gradient reduces over all R = N (T - 1) rows of the batch but
 * has only a few output tiles, so one workgroup per tile would leave most of a GPU idle while it
 * walks 896 rows. Each of `splits` workgroups per tile then takes kChunk rows and writes its raw
 * partial product to C as [z][split][M][N]; split-k-sum.ts adds the partials in a fixed order.
 */
export const MATMUL_UNIFORM_FIELDS = [
  'M',
  'N',
  'K',
  'kBlock',
  'aOff',
  'aRs',
  'aCs',
  'aZs',
  'bOff',
  'bRs',
  'bCs',
  'bZs',
  'bBlockStride',
  'cOff',
  'cRs',
  'cZs',
  'auxOff',
  'auxRs',
  'flags',
  'ones',
  'splits',
  'kChunk',
] as const;

export type MatmulUniforms = Record<(typeof MATMUL_UNIFORM_FIELDS)[number], number>;

/** Epilogue flags. */
export const RELU = 1;
export const ADD_AUX = 2;
export const RELU_MASK_AUX = 4;
export const ACCUMULATE = 8;
/** `ones`: none, a column of ones after A's last column, a row of ones after A's last row. */
export const ONES_NONE = 0;
export const ONES_COLUMN = 1;
export const ONES_ROW = 2;

export const MATMUL_TILE = 32;

export function matmulShader(): string {
  return /* wgsl */ `
struct U { ${MATMUL_UNIFORM_FIELDS.map((f) => `${f}: u32`).join(', ')} }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
@group(0) @binding(4) var<storage, read> aux: array<f32>;

const TM = 32u;
const TK = 16u;
var<workgroup> As: array<f32, 512>; // [TM][TK]
var<workgroup> Bs: array<f32, 512>; // [TK][TM]

fn loadA(m: u32, k: u32, z: u32, kEnd: u32) -> f32 {
  if (m >= u.M || k >= kEnd) { return 0.0; }
  if (u.ones == 1u && k == u.K - 1u) { return 1.0; }
  if (u.ones == 2u && m == u.M - 1u) { return 1.0; }
  return a[u.aOff + z * u.aZs + m * u.aRs + k * u.aCs];
}

fn loadB(k: u32, n: u32, z: u32, kEnd: u32) -> f32 {
  if (k >= kEnd || n >= u.N) { return 0.0; }
  let blk = k / u.kBlock;
  let kk = k % u.kBlock;
  return b[u.bOff + z * u.bZs + blk * u.bBlockStride + kk * u.bRs + n * u.bCs];
}

fn epilogue(row: u32, col: u32, z: u32, split: u32, value: f32) {
  if (row >= u.M || col >= u.N) { return; }
  if (u.splits > 1u) {
    c[((z * u.splits + split) * u.M + row) * u.N + col] = value;
    return;
  }
  var acc = value;
  let ci = u.cOff + z * u.cZs + row * u.cRs + col;
  let ai = u.auxOff + row * u.auxRs + col;
  if ((u.flags & 1u) != 0u) { acc = max(acc, 0.0); }
  if ((u.flags & 2u) != 0u) { acc += aux[ai]; }
  if ((u.flags & 4u) != 0u) { if (aux[ai] <= 0.0) { acc = 0.0; } }
  if ((u.flags & 8u) != 0u) { acc += c[ci]; }
  c[ci] = acc;
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let z = wg.z / u.splits;
  let split = wg.z % u.splits;
  let kBegin = split * u.kChunk;
  let kEnd = min(u.K, kBegin + u.kChunk);
  let row0 = wg.y * TM;
  let col0 = wg.x * TM;
  // This thread's 4 x 4 block: rows ty*4.., columns tx*4.. of the tile.
  let tx = lid % 8u;
  let ty = lid / 8u;
  var acc: array<array<f32, 4>, 4>;
  let tiles = (kEnd - kBegin + TK - 1u) / TK;
  for (var t = 0u; t < tiles; t += 1u) {
    let k0 = kBegin + t * TK;
    // 512 values of each tile, 8 per thread.
    for (var i = 0u; i < 8u; i += 1u) {
      let e = lid + i * 64u;
      let am = e / TK;
      let ak = e % TK;
      As[e] = loadA(row0 + am, k0 + ak, z, kEnd);
      let bk = e / TM;
      let bn = e % TM;
      Bs[e] = loadB(k0 + bk, col0 + bn, z, kEnd);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk += 1u) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < 4u; i += 1u) {
        av[i] = As[(ty * 4u + i) * TK + kk];
        bv[i] = Bs[kk * TM + tx * 4u + i];
      }
      for (var i = 0u; i < 4u; i += 1u) {
        for (var j = 0u; j < 4u; j += 1u) { acc[i][j] += av[i] * bv[j]; }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < 4u; i += 1u) {
    for (var j = 0u; j < 4u; j += 1u) { epilogue(row0 + ty * 4u + i, col0 + tx * 4u + j, z, split, acc[i][j]); }
  }
}
`;
}
