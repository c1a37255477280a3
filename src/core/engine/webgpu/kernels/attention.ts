/**
 * Causal attention of every head over a whole sequence, one workgroup per (sequence, head): the
 * sequence is at most 16 positions, so its queries, keys, values and scores all sit in workgroup
 * memory, and the probabilities are saved for the backward pass (attention-grad.ts).
 * Input: q, k, v side by side in one [R, 3D] buffer (what the q/k/v product writes); output: the
 * context [R, D] with the heads side by side (what the output projection reads).
 */
export interface AttentionShape {
  /** Sequence length. */
  S: number;
  D: number;
  H: number;
}

/** The shape's constants, and q, k, v of one (sequence, head) loaded into workgroup memory. */
export function attentionPrelude({ S, D, H }: AttentionShape): string {
  const HD = D / H;
  return /* wgsl */ `
const S = ${S}u;
const D = ${D}u;
const H = ${H}u;
const HD = ${HD}u;
const SCALE = ${1 / Math.sqrt(HD)};
var<workgroup> qs: array<f32, ${S * HD}>;
var<workgroup> ks: array<f32, ${S * HD}>;
var<workgroup> vs: array<f32, ${S * HD}>;

fn loadHead(n: u32, h: u32, lid: u32) {
  for (var i = lid; i < S * HD; i += 64u) {
    let base = (n * S + i / HD) * 3u * D + h * HD + i % HD;
    qs[i] = qkv[base];
    ks[i] = qkv[base + D];
    vs[i] = qkv[base + 2u * D];
  }
}
`;
}

export function attentionShader(shape: AttentionShape): string {
  const { S } = shape;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read_write> ctx: array<f32>;
@group(0) @binding(2) var<storage, read_write> probs: array<f32>;
${attentionPrelude(shape)}
var<workgroup> ps: array<f32, ${S * S}>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = wg.x;
  let h = wg.y;
  loadHead(n, h, lid);
  workgroupBarrier();
  for (var idx = lid; idx < S * S; idx += 64u) {
    let i = idx / S;
    let j = idx % S;
    var s = 0.0;
    if (j <= i) {
      for (var c = 0u; c < HD; c += 1u) { s += qs[i * HD + c] * ks[j * HD + c]; }
    }
    ps[idx] = s * SCALE;
  }
  workgroupBarrier();
  for (var i = lid; i < S; i += 64u) {
    var mx = ps[i * S];
    for (var j = 1u; j <= i; j += 1u) { mx = max(mx, ps[i * S + j]); }
    var sum = 0.0;
    for (var j = 0u; j <= i; j += 1u) { let e = exp(ps[i * S + j] - mx); ps[i * S + j] = e; sum += e; }
    for (var j = 0u; j < S; j += 1u) {
      if (j <= i) { ps[i * S + j] = ps[i * S + j] / sum; } else { ps[i * S + j] = 0.0; }
    }
  }
  workgroupBarrier();
  let pb = (n * H + h) * S * S;
  for (var idx = lid; idx < S * S; idx += 64u) { probs[pb + idx] = ps[idx]; }
  for (var idx = lid; idx < S * HD; idx += 64u) {
    let i = idx / HD;
    let c = idx % HD;
    var acc = 0.0;
    for (var j = 0u; j <= i; j += 1u) { acc += ps[i * S + j] * vs[j * HD + c]; }
    ctx[(n * S + i) * D + h * HD + c] = acc;
  }
}
`;
}
