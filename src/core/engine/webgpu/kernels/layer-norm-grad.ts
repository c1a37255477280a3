/**
 * LayerNorm's backward pass in one dispatch with two jobs: threads [0, R) each take a row and add
 * dx = rstd (dh - mean(dh) - xhat mean(dh xhat)), dh = dy g, to the residual gradient (or write it,
 * without `accumulate`); threads [R, R + 2D) each sum one column of dy xhat (the gain's gradient)
 * or of dy (the bias's) over all rows.
 */
export const LAYER_NORM_GRAD_UNIFORM_FIELDS = ['R', 'D', 'g', 'gradG', 'gradB', 'accumulate'] as const;

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

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < u.R) {
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
      if (u.accumulate != 0u) { dx[o + c] += v; } else { dx[o + c] = v; }
    }
    return;
  }
  let j = i - u.R;
  if (j >= 2u * u.D) { return; }
  let c = j % u.D;
  var acc = 0.0;
  if (j < u.D) {
    for (var r = 0u; r < u.R; r += 1u) { acc += dy[r * u.D + c] * xhat[r * u.D + c]; }
    grads[u.gradG + c] = acc;
  } else {
    for (var r = 0u; r < u.R; r += 1u) { acc += dy[r * u.D + c]; }
    grads[u.gradB + c] = acc;
  }
}
`;
}
