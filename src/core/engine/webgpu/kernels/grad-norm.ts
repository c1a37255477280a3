/**
 * The first half of the optimizer step, in one dispatch: workgroups [0, PARTS) each sum the
 * squares of a strided share of the gradient arena (a fixed tree, so the norm is the same every
 * run); the last workgroup sums the rows' loss statistics into this pass's slot of the stats
 * buffer. adam.ts finishes the norm from the PARTS partial sums.
 */
import { workgroupReductions } from './reduce';
import { STATS_PER_PASS, STEP_STRUCT } from './step-uniform';

export const NORM_PARTS = 64;

export function gradNormShader(): string {
  return /* wgsl */ `
${STEP_STRUCT}
struct U { total: u32, R: u32 }
const PARTS = ${NORM_PARTS}u;
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<uniform> st: Step;
@group(0) @binding(2) var<storage, read> grads: array<f32>;
@group(0) @binding(3) var<storage, read> rowStats: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial: array<f32>;
@group(0) @binding(5) var<storage, read_write> stats: array<f32>;
${workgroupReductions(256)}



@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  if (wg.x < PARTS) {
    var acc = 0.0;
    for (var i = wg.x * 256u + lid; i < u.total; i += PARTS * 256u) { let g = grads[i]; acc += g * g; }
    let sum = wgSum(acc, lid);
    if (lid == 0u) { partial[wg.x] = sum; }
    return;
  }
  for (var k = 0u; k < 4u; k += 1u) {
    var acc = 0.0;
    for (var r = lid; r < u.R; r += 256u) { acc += rowStats[4u * r + k]; }
    let sum = wgSum(acc, lid);
    if (lid == 0u) { stats[st.passIndex * ${STATS_PER_PASS}u + k] = sum; }
  }
}
`;
}
