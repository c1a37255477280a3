/**
 * Both embedding gradients in one dispatch: threads [0, V*D) add, for their (token, column), the
 * residual gradient of every row holding that token to wte's gradient (the head's part is already
 * there); threads [V*D, (V + maxLen)*D) sum wpe's gradient over the sequences. Each thread owns
 * its output, so there are no atomics and the sums run in a fixed order.
 */
export const EMBED_GRAD_UNIFORM_FIELDS = ['N', 'S', 'T', 'D', 'V', 'maxLen', 'wte', 'wpe'] as const;

export function embedGradShader(): string {
  return /* wgsl */ `
struct U { ${EMBED_GRAD_UNIFORM_FIELDS.map((f) => `${f}: u32`).join(', ')} }
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> tokens: array<i32>;
@group(0) @binding(2) var<storage, read> gx: array<f32>;
@group(0) @binding(3) var<storage, read_write> grads: array<f32>;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  let vd = u.V * u.D;
  if (i < vd) {
    let v = i32(i / u.D);
    let c = i % u.D;
    var acc = 0.0;
    for (var n = 0u; n < u.N; n += 1u) {
      for (var s = 0u; s < u.S; s += 1u) {
        if (tokens[n * u.T + s] == v) { acc += gx[(n * u.S + s) * u.D + c]; }
      }
    }
    grads[u.wte + i] += acc;
    return;
  }
  let j = i - vd;
  if (j >= u.maxLen * u.D) { return; }
  let p = j / u.D;
  let c = j % u.D;
  var acc = 0.0;
  if (p < u.S) {
    for (var n = 0u; n < u.N; n += 1u) { acc += gx[(n * u.S + p) * u.D + c]; }
  }
  grads[u.wpe + j] = acc;
}
`;
}
