/**
 * The second half of a split-K product (matmul.ts): each thread adds one output's partials,
 * split 0 first, and writes the sum where the product belongs (a weight's gradient in the arena).
 */
export const SPLIT_K_SUM_UNIFORM_FIELDS = ['M', 'N', 'Z', 'splits', 'cOff', 'cRs', 'cZs'] as const;

export function splitKSumShader(): string {
  return /* wgsl */ `
struct U { ${SPLIT_K_SUM_UNIFORM_FIELDS.map((f) => `${f}: u32`).join(', ')} }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> partials: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let mn = u.M * u.N;
  if (i >= u.Z * mn) { return; }
  let z = i / mn;
  let row = (i % mn) / u.N;
  let col = i % u.N;
  var acc = 0.0;
  for (var s = 0u; s < u.splits; s += 1u) { acc += partials[(z * u.splits + s) * mn + row * u.N + col]; }
  c[u.cOff + z * u.cZs + row * u.cRs + col] = acc;
}
`;
}
