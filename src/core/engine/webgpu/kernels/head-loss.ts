/**
 * The output head and the GRPO loss of each predicted position, one workgroup a row: logits
 * against the tied embedding, the never-emitted tokens masked, divided by the temperature,
 * log-softmax, the target's log-probability and the entropy; then, in `train` mode, the gradient of
 * the loss of the numerical contract with respect to the logits (clipped surrogate, k3 KL to the
 * reference, entropy bonus) and the row's share of the statistics. Nothing [R, V] is ever kept but
 * the logits' gradient.
 *
 * The derivative follows TF.js's rules at the edges, so the two engines agree at ties: min(a, b)
 * sends the gradient to a when a <= b, and a clip passes it on the closed interval.
 *
 * Modes: 0 writes the target's log-probability to logps[r] (the reference forward, and tests);
 * 1 is the update pass (on the first pass, logp_old := logp, so the ratio is exactly 1).
 * rowData holds [mask, 1 / (N T_n)] per row, then the N advantages; logps holds the reference's
 * log-probabilities [R] then the old policy's [R].
 */
import { MASKED_LOGIT, NEVER_GENERATED } from '../../../policy/tokens';
import { workgroupReductions } from './reduce';
import { STEP_STRUCT } from './step-uniform';

export interface HeadShape {
  D: number;
  V: number;
  S: number;
  T: number;
  R: number;
}

/** Clamp of the KL's log-ratio, as in the TF.js loss (train/grpo.ts). */
export const KL_LOG_RATIO_BOUND = 20;

export function headLossShader({ D, V, S, T, R }: HeadShape): string {
  const masked = NEVER_GENERATED.map((id) => `v == ${id}u`).join(' || ');
  return /* wgsl */ `
${STEP_STRUCT}
struct U { mode: u32, wte: u32 }
const D = ${D}u;
const V = ${V}u;
const S = ${S}u;
const T = ${T}u;
const R = ${R}u;
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<uniform> st: Step;
@group(0) @binding(2) var<storage, read> params: array<f32>;
@group(0) @binding(3) var<storage, read> hf: array<f32>;
@group(0) @binding(4) var<storage, read> tokens: array<i32>;
@group(0) @binding(5) var<storage, read> rowData: array<f32>;
@group(0) @binding(6) var<storage, read_write> logps: array<f32>;
@group(0) @binding(7) var<storage, read_write> dlogits: array<f32>;
@group(0) @binding(8) var<storage, read_write> rowStats: array<f32>;

var<workgroup> hrow: array<f32, D>;
var<workgroup> z: array<f32, V>;
${workgroupReductions(64)}



@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let r = wg.x;
  let n = r / S;
  let s = r % S;
  let tgt = u32(tokens[n * T + s + 1u]);
  for (var c = lid; c < D; c += 64u) { hrow[c] = hf[r * D + c]; }
  workgroupBarrier();
  var localMax = -3.0e38;
  for (var v = lid; v < V; v += 64u) {
    var acc = 0.0;
    for (var c = 0u; c < D; c += 1u) { acc += hrow[c] * params[u.wte + v * D + c]; }
    if (${masked}) { acc += ${MASKED_LOGIT.toFixed(1)}; }
    let zv = acc / st.temperature;
    z[v] = zv;
    localMax = max(localMax, zv);
  }
  let mx = wgMax(localMax, lid);
  var localSum = 0.0;
  for (var v = lid; v < V; v += 64u) { localSum += exp(z[v] - mx); }
  let lse = mx + log(wgSum(localSum, lid));
  var localEnt = 0.0;
  for (var v = lid; v < V; v += 64u) { let lp = z[v] - lse; localEnt -= exp(lp) * lp; }
  let entropy = wgSum(localEnt, lid);
  let logp = z[tgt] - lse;
  if (u.mode == 0u) {
    if (lid == 0u) { logps[r] = logp; }
    return;
  }
  let m = rowData[2u * r];
  let coef = rowData[2u * r + 1u];
  let adv = rowData[2u * R + n];
  var logpOld = logp;
  if (st.firstPass == 0u) { logpOld = logps[R + r]; }
  let ratio = exp((logp - logpOld) * m);
  let unclipped = ratio * adv;
  let clipped = clamp(ratio, 1.0 - st.epsClip, 1.0 + st.epsClip) * adv;
  let surrogate = min(unclipped, clipped) * m;
  var dRatio = 0.0;
  if (unclipped <= clipped) {
    dRatio = adv * m;
  } else if (ratio >= 1.0 - st.epsClip && ratio <= 1.0 + st.epsClip) {
    dRatio = adv * m;
  }
  // L_clip = -sum_r coef_r surrogate_r; d ratio / d logp = ratio * mask.
  var gLogp = -coef * dRatio * ratio * m;
  let raw = (logps[r] - logp) * m;
  let lr = clamp(raw, -${KL_LOG_RATIO_BOUND}.0, ${KL_LOG_RATIO_BOUND}.0);
  let kl = (exp(lr) - lr - 1.0) * m;
  if (st.betaKL != 0.0 && raw >= -${KL_LOG_RATIO_BOUND}.0 && raw <= ${KL_LOG_RATIO_BOUND}.0) {
    gLogp -= st.betaKL * st.invValid * m * (exp(lr) - 1.0) * m;
  }
  let gEnt = -st.entCoef * st.invValid * m;
  for (var v = lid; v < V; v += 64u) {
    let lp = z[v] - lse;
    let p = exp(lp);
    var onehot = 0.0;
    if (v == tgt) { onehot = 1.0; }
    dlogits[r * V + v] = (gLogp * (onehot - p) - gEnt * p * (lp + entropy)) / st.temperature;
  }
  if (lid == 0u) {
    if (st.firstPass != 0u) { logps[R + r] = logp; }
    var cut = 0.0;
    if (clipped < unclipped) { cut = m; }
    rowStats[4u * r] = surrogate * coef;
    rowStats[4u * r + 1u] = cut;
    rowStats[4u * r + 2u] = kl;
    rowStats[4u * r + 3u] = entropy * m;
  }
}
`;
}
