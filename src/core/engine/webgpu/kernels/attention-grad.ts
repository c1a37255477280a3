/**
 * The backward pass of attention.ts, one workgroup per (sequence, head), from the saved
 * probabilities: dv = p^T dctx, ds = p (dp - sum_j p dp) / sqrt(hd) with dp = dctx v^T, dq = ds k,
 * dk = ds^T q. Writes the three gradients side by side in one [R, 3D] buffer, the layout the
 * q/k/v weight-gradient product reads.
 */
import { attentionPrelude, type AttentionShape } from './attention';

export function attentionGradShader(shape: AttentionShape): string {
  const { S, D, H } = shape;
  const HD = D / H;
  return /* wgsl */ `
@group(0) @binding(0) var<storage, read> qkv: array<f32>;
@group(0) @binding(1) var<storage, read> gctx: array<f32>;
@group(0) @binding(2) var<storage, read> probs: array<f32>;
@group(0) @binding(3) var<storage, read_write> gqkv: array<f32>;
${attentionPrelude(shape)}
var<workgroup> gs: array<f32, ${S * HD}>;
var<workgroup> ps: array<f32, ${S * S}>;
var<workgroup> ds: array<f32, ${S * S}>;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = wg.x;
  let h = wg.y;
  loadHead(n, h, lid);
  for (var i = lid; i < S * HD; i += 64u) { gs[i] = gctx[(n * S + i / HD) * D + h * HD + i % HD]; }
  let pb = (n * H + h) * S * S;
  for (var idx = lid; idx < S * S; idx += 64u) { ps[idx] = probs[pb + idx]; }
  workgroupBarrier();
  // dp_ij = dctx_i . v_j for j <= i.
  for (var idx = lid; idx < S * S; idx += 64u) {
    let i = idx / S;
    let j = idx % S;
    var s = 0.0;
    if (j <= i) {
      for (var c = 0u; c < HD; c += 1u) { s += gs[i * HD + c] * vs[j * HD + c]; }
    }
    ds[idx] = s;
  }
  workgroupBarrier();
  // Softmax backward, one row per thread.
  for (var i = lid; i < S; i += 64u) {
    var dot = 0.0;
    for (var j = 0u; j <= i; j += 1u) { dot += ps[i * S + j] * ds[i * S + j]; }
    for (var j = 0u; j <= i; j += 1u) { ds[i * S + j] = ps[i * S + j] * (ds[i * S + j] - dot) * SCALE; }
  }
  workgroupBarrier();
  for (var idx = lid; idx < S * HD; idx += 64u) {
    let i = idx / HD;
    let c = idx % HD;
    var dq = 0.0;
    for (var j = 0u; j <= i; j += 1u) { dq += ds[i * S + j] * ks[j * HD + c]; }
    // Row i as a key: every later query attends to it.
    var dk = 0.0;
    var dv = 0.0;
    for (var q = i; q < S; q += 1u) {
      dk += ds[q * S + i] * qs[q * HD + c];
      dv += ps[q * S + i] * gs[q * HD + c];
    }
    let base = (n * S + i) * 3u * D + h * HD + c;
    gqkv[base] = dq;
    gqkv[base + D] = dk;
    gqkv[base + 2u * D] = dv;
  }
}
`;
}
