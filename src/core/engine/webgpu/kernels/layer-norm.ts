/**
 * LayerNorm of each row, one thread a row (rows are 32-96 wide): y = xhat g + b, keeping xhat and
 * 1/std for the backward pass, as the cpu/wasm kernel of the TF.js engine does.
 */
export const LAYER_NORM_EPS = 1e-5;

export const LAYER_NORM_UNIFORM_FIELDS = ['R', 'D', 'g', 'b'] as const;

export function layerNormShader(): string {
  return /* wgsl */ `
struct U { ${LAYER_NORM_UNIFORM_FIELDS.map((f) => `${f}: u32`).join(', ')} }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<storage, read_write> xhat: array<f32>;
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r = gid.x;
  if (r >= u.R) { return; }
  let o = r * u.D;
  var mean = 0.0;
  for (var c = 0u; c < u.D; c += 1u) { mean += x[o + c]; }
  mean = mean / f32(u.D);
  var variance = 0.0;
  for (var c = 0u; c < u.D; c += 1u) { let z = x[o + c] - mean; variance += z * z; }
  let inv = 1.0 / sqrt(variance / f32(u.D) + ${LAYER_NORM_EPS});
  rstd[r] = inv;
  for (var c = 0u; c < u.D; c += 1u) {
    let h = (x[o + c] - mean) * inv;
    xhat[o + c] = h;
    y[o + c] = h * params[u.g + c] + params[u.b + c];
  }
}
`;
}
