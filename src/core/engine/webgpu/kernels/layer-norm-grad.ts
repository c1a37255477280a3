/**
 * LayerNorm's backward pass in one dispatch with two jobs: the first ceil(R / 64) workgroups give
 * each thread a row and add dx = rstd (dh - mean(dh) - xhat mean(dh xhat)), dh = dy g, to the
 * residual gradient (or write it, without `accumulate`); the next D workgroups each take one column
 * and sum dy xhat (the gain's gradient) and dy (the bias's) over all rows, 64 threads and a tree,
 * instead of one thread walking every row.
 */
import { workgroupReductions } from './reduce';

export const LAYER_NORM_GRAD_UNIFORM_FIELDS = ['R', 'D', 'g', 'gradG', 'gradB', 'accumulate'] as const;

/** Workgroups of one dispatch over R rows of width D. */
export const layerNormGradGroups = (R: number, D: number): number => Math.ceil(R / 64) + D;

export function layerNormGradShader(): string {
  return /* wgsl */ `
struct U { ${LAYER_NORM_GRAD_UNIFORM_FIELDS.map((f) => `${f}: u32`).join(', ')} }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read> xhat: array<f32>;
@group(0) @binding(4) var<storage, read> rstd: array<f32>;
@group(0) @binding(5) var<storage, read_write> dx: array<f32>;
@group(0) @binding(6) var<storage, read_write> grads: array<f32>;
${workgroupReductions(64)}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let rowGroups = (u.R + 63u) / 64u;
  if (wg.x < rowGroups) {
    // No early return here: the column branch below holds barriers, which need uniform control flow.
    let i = min(wg.x * 64u + lid, u.R - 1u);
    let live = wg.x * 64u + lid < u.R;
    let o = i * u.D;
    var meanDh = 0.0;
    var meanDhH = 0.0;
    for (var c = 0u; c < u.D; c += 1u) {
      let dh = dy[o + c] * params[u.g + c];
      meanDh += dh;
      meanDhH += dh * xhat[o + c];
    }
    meanDh = meanDh / f32(u.D);
    meanDhH = meanDhH / f32(u.D);
    for (var c = 0u; c < u.D; c += 1u) {
      let v = rstd[i] * (dy[o + c] * params[u.g + c] - meanDh - xhat[o + c] * meanDhH);
      if (live) {
        if (u.accumulate != 0u) { dx[o + c] += v; } else { dx[o + c] = v; }
      }
    }
    return;
  }
  let c = wg.x - rowGroups;
  var sg = 0.0;
  var sb = 0.0;
  for (var r = lid; r < u.R; r += 64u) {
    sg += dy[r * u.D + c] * xhat[r * u.D + c];
    sb += dy[r * u.D + c];
  }
  let gain = wgSum(sg, lid);
  let bias = wgSum(sb, lid);
  if (lid == 0u) {
    grads[u.gradG + c] = gain;
    grads[u.gradB + c] = bias;
  }
}
`;
}
