/**
 * All of a step's sampling in one dispatch: one workgroup per rollout runs the prompt and then
 * every new token through the whole model, one position at a time, with its own key/value cache
 * (rollouts are independent while decoding, so nothing needs to cross workgroups). At each
 * generated position: the logits against the tied embedding, never-emitted tokens masked, plus
 * the temperature times Gumbel noise made from the raw draws of the run's seeded sampling stream
 * (the draws policy/sample.ts turns into noise on the CPU; none when greedy), the first maximum as
 * the token, <pad> after <eos>.
 *
 * Feeding the prompt token by token gives the same numbers as a full causal pass up to float
 * rounding. The layers are unrolled with their arena offsets written in, so nothing about the
 * parameter layout is assumed beyond layout.ts's checks.
 */
import { EOS, MASKED_LOGIT, NEVER_GENERATED, PAD } from '../../../policy/tokens';
import { LAYER_NORM_EPS } from './layer-norm';
import type { ArenaLayout, LayerLayout } from '../layout';
import { workgroupReductions } from './reduce';

export interface SampleShape {
  /** Row length: prompt plus new tokens. */
  T: number;
  /** Prompt length. */
  P: number;
}

const WG = 64;

function layerCode(a: ArenaLayout, l: number, w: LayerLayout, T: number): string {
  const { D, H, F } = a;
  const HD = D / H;
  const kBase = `((n * ${a.L}u + ${l}u) * 2u) * ${T * D}u`;
  return `
    // ---- layer ${l}
    layerNorm(${w.ln1g}u, ${w.ln1b}u, lid);
    for (var j = lid; j < ${3 * D}u; j += WG) {
      let zz = j / ${D}u;
      let jj = j % ${D}u;
      let wb = ${w.wq}u + zz * ${a.qkvStride}u;
      var acc = params[wb + ${D * D}u + jj];
      for (var c = 0u; c < ${D}u; c += 1u) { acc += hb[c] * params[wb + c * ${D}u + jj]; }
      qkv[j] = acc;
    }
    workgroupBarrier();
    let kb${l} = ${kBase};
    for (var j = lid; j < ${D}u; j += WG) {
      cache[kb${l} + pos * ${D}u + j] = qkv[${D}u + j];
      cache[kb${l} + ${T * D}u + pos * ${D}u + j] = qkv[${2 * D}u + j];
    }
    storageBarrier();
    workgroupBarrier();
    for (var idx = lid; idx < ${H}u * (pos + 1u); idx += WG) {
      let h = idx / (pos + 1u);
      let j = idx % (pos + 1u);
      var s = 0.0;
      for (var c = 0u; c < ${HD}u; c += 1u) { s += qkv[h * ${HD}u + c] * cache[kb${l} + j * ${D}u + h * ${HD}u + c]; }
      sc[h * ${T}u + j] = s * ${1 / Math.sqrt(HD)};
    }
    workgroupBarrier();
    if (lid < ${H}u) {
      var mx = sc[lid * ${T}u];
      for (var j = 1u; j <= pos; j += 1u) { mx = max(mx, sc[lid * ${T}u + j]); }
      var sum = 0.0;
      for (var j = 0u; j <= pos; j += 1u) { let e = exp(sc[lid * ${T}u + j] - mx); sc[lid * ${T}u + j] = e; sum += e; }
      for (var j = 0u; j <= pos; j += 1u) { sc[lid * ${T}u + j] = sc[lid * ${T}u + j] / sum; }
    }
    workgroupBarrier();
    for (var j = lid; j < ${D}u; j += WG) {
      let h = j / ${HD}u;
      var acc = 0.0;
      for (var t = 0u; t <= pos; t += 1u) { acc += sc[h * ${T}u + t] * cache[kb${l} + ${T * D}u + t * ${D}u + j]; }
      ctx[j] = acc;
    }
    workgroupBarrier();
    for (var j = lid; j < ${D}u; j += WG) {
      var acc = params[${w.wo + D * D}u + j];
      for (var c = 0u; c < ${D}u; c += 1u) { acc += ctx[c] * params[${w.wo}u + c * ${D}u + j]; }
      x[j] = x[j] + acc;
    }
    workgroupBarrier();
    layerNorm(${w.ln2g}u, ${w.ln2b}u, lid);
    for (var f = lid; f < ${F}u; f += WG) {
      var acc = params[${w.w1 + D * F}u + f];
      for (var c = 0u; c < ${D}u; c += 1u) { acc += hb[c] * params[${w.w1}u + c * ${F}u + f]; }
      mid[f] = max(acc, 0.0);
    }
    workgroupBarrier();
    for (var j = lid; j < ${D}u; j += WG) {
      var acc = params[${w.w2 + F * D}u + j];
      for (var f = 0u; f < ${F}u; f += 1u) { acc += mid[f] * params[${w.w2}u + f * ${D}u + j]; }
      x[j] = x[j] + acc;
    }
    workgroupBarrier();`;
}

export function sampleShader(a: ArenaLayout, { T, P }: SampleShape): string {
  const { D, F, V, H } = a;
  const masked = NEVER_GENERATED.map((id) => `v == ${id}u`).join(' || ');
  return /* wgsl */ `
struct U { N: u32, greedy: u32, temperature: f32 }
const WG = ${WG}u;
@group(0) @binding(0) var<uniform> u: U;
@group(0) @binding(1) var<storage, read> params: array<f32>;
@group(0) @binding(2) var<storage, read_write> tokens: array<i32>;
@group(0) @binding(3) var<storage, read> draws: array<u32>;
@group(0) @binding(4) var<storage, read_write> cache: array<f32>;

var<workgroup> x: array<f32, ${D}>;
var<workgroup> hb: array<f32, ${D}>;
var<workgroup> qkv: array<f32, ${3 * D}>;
var<workgroup> ctx: array<f32, ${D}>;
var<workgroup> mid: array<f32, ${F}>;
var<workgroup> lg: array<f32, ${V}>;
var<workgroup> sc: array<f32, ${H * T}>;
${workgroupReductions(WG)}
var<workgroup> current: i32;
var<workgroup> done: u32;


/** Gumbel noise from one raw draw of the run's sampling stream, as the CPU's Rng.gumbel() makes it. */
fn gumbel(x: u32) -> f32 {
  let uniform = f32(x) * 2.3283064365386963e-10;
  return -log(-log(uniform + 1e-20) + 1e-20);
}

/** hb = LayerNorm(x) with gain and bias at these arena offsets. */
fn layerNorm(g: u32, b: u32, lid: u32) {
  var s = 0.0;
  for (var c = lid; c < ${D}u; c += WG) { s += x[c]; }
  let mean = wgSum(s, lid) / ${D}.0;
  var q = 0.0;
  for (var c = lid; c < ${D}u; c += WG) { let z = x[c] - mean; q += z * z; }
  let inv = 1.0 / sqrt(wgSum(q, lid) / ${D}.0 + ${LAYER_NORM_EPS});
  for (var c = lid; c < ${D}u; c += WG) { hb[c] = (x[c] - mean) * inv * params[g + c] + params[b + c]; }
  workgroupBarrier();
}

@compute @workgroup_size(${WG})
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let n = wg.x;
  if (lid == 0u) { done = 0u; current = tokens[n * ${T}u]; }
  workgroupBarrier();
  for (var pos = 0u; pos < ${T - 1}u; pos += 1u) {
    let tok = u32(current);
    for (var j = lid; j < ${D}u; j += WG) {
      x[j] = params[${a.wte}u + tok * ${D}u + j] + params[${a.wpe}u + pos * ${D}u + j];
    }
    workgroupBarrier();
${a.layers.map((w, l) => layerCode(a, l, w, T)).join('\n')}
    if (pos >= ${P - 1}u) {
      let gen = pos - ${P - 1}u;
      layerNorm(${a.lnfg}u, ${a.lnfb}u, lid);
      for (var v = lid; v < ${V}u; v += WG) {
        var acc = 0.0;
        for (var c = 0u; c < ${D}u; c += 1u) { acc += hb[c] * params[${a.wte}u + v * ${D}u + c]; }
        if (${masked}) { acc += ${MASKED_LOGIT.toFixed(1)}; }
        if (u.greedy == 0u) { acc += u.temperature * gumbel(draws[(gen * u.N + n) * ${V}u + v]); }
        lg[v] = acc;
      }
      workgroupBarrier();
      if (lid == 0u) {
        var best = 0u;
        var bestValue = lg[0];
        for (var v = 1u; v < ${V}u; v += 1u) { if (lg[v] > bestValue) { bestValue = lg[v]; best = v; } }
        var t = i32(best);
        if (done != 0u) { t = ${PAD}; }
        if (t == ${EOS}) { done = 1u; }
        tokens[n * ${T}u + pos + 1u] = t;
        current = t;
      }
    } else {
      if (lid == 0u) { current = tokens[n * ${T}u + pos + 1u]; }
    }
    workgroupBarrier();
  }
}
`;
}
