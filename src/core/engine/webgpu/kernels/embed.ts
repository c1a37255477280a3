/**
 * Token plus position embedding of the update's inputs: x[n*S + s] = wte[tokens[n, s]] + wpe[s],
 * the one-hot product of the TF.js engine done as the lookup it is.
 */
export const EMBED_UNIFORM_FIELDS = ['count', 'S', 'T', 'D', 'wte', 'wpe'] as const;

export function embedShader(): string {
  return /* wgsl */ `
struct U { ${EMBED_UNIFORM_FIELDS.map((f) => `${f}: u32`).join(', ')} }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read> tokens: array<i32>;
@group(0) @binding(3) var<storage, read_write> x: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= u.count) { return; }
  let r = i / u.D;
  let c = i % u.D;
  let n = r / u.S;
  let s = r % u.S;
  let tok = u32(tokens[n * u.T + s]);
  x[i] = params[u.wte + tok * u.D + c] + params[u.wpe + s * u.D + c];
}
`;
}
