/**
 * Global-norm clip and Adam (PyTorch semantics, no weight decay) over the whole parameter arena
 * in one dispatch: each workgroup adds up the PARTS partial sums of grad-norm.ts in the same order
 * (so every workgroup sees the same norm), then each thread updates one parameter and its two
 * moments. The unclipped norm goes to the pass's statistics.
 */
import { NORM_PARTS } from './grad-norm';
import { STATS_PER_PASS, STEP_STRUCT } from './step-uniform';

export function adamShader(): string {
  return /* wgsl */ `
${STEP_STRUCT}
struct U { total: u32 }
const PARTS = ${NORM_PARTS}u;
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<uniform> st: Step;
@group(0) @binding(2) var<storage, read_write> params: array<f32>;
@group(0) @binding(3) var<storage, read> grads: array<f32>;
@group(0) @binding(4) var<storage, read_write> m1: array<f32>;
@group(0) @binding(5) var<storage, read_write> m2: array<f32>;
@group(0) @binding(6) var<storage, read> partial: array<f32>;
@group(0) @binding(7) var<storage, read_write> stats: array<f32>;

var<workgroup> normShared: f32;

@compute @workgroup_size(256)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (lid == 0u) {
    var sumSq = 0.0;
    for (var p = 0u; p < PARTS; p += 1u) { sumSq += partial[p]; }
    normShared = sqrt(sumSq);
  }
  workgroupBarrier();
  let norm = normShared;
  var clip = 1.0;
  if (st.maxNorm > 0.0) { clip = st.maxNorm / max(norm, st.maxNorm); }
  let i = gid.x;
  if (i == 0u) { stats[st.passIndex * ${STATS_PER_PASS}u + 4u] = norm; }
  if (i >= u.total) { return; }
  let g = grads[i] * clip;
  let m = st.beta1 * m1[i] + (1.0 - st.beta1) * g;
  let v = st.beta2 * m2[i] + (1.0 - st.beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  params[i] = params[i] - (st.stepSize * m) / (sqrt(v) * st.invSqrtBc2 + st.adamEps);
}
`;
}
