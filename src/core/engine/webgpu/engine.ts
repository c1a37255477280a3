/**
 * The fused WebGPU engine: the policy, its gradients, Adam's moments and the frozen reference as
 * four flat arenas on TF.js's own GPUDevice, and the RL step as a few hundred dispatches of the
 * hand-written kernels in kernels/ instead of TF.js's thousands of per-op launches. Per step: one
 * dispatch samples every rollout, the reference forward is one submission, each update pass is one
 * submission, and two read-backs (the tokens, then the update's statistics) come back to the CPU.
 *
 * Numerically it is the TF.js engine (train/grpo.ts, policy/sample.ts) computed in another order:
 * the same loss, the same Adam, the same Gumbel noise from the same seeded stream, so a run agrees
 * with the TF.js engine up to float32 rounding (tested against it in CI on SwiftShader).
 */
import { parameterTable, type ParamTable, type PolicyConfig } from '../../policy/param-table';
import type { AdamState } from '../../policy/adam';
import type { WeightArray } from '../../policy/model';
import { rolloutLengths, validateSampling, type Rollouts } from '../../policy/sample';
import type { Rng } from '../../random/rng';
import {
  generatedMask,
  validateBatch,
  type GrpoBatch,
  type GrpoOptions,
  type GrpoStats,
} from '../../train/grpo';
import { countRead } from '../../policy/transfer';
import type { PolicyEngine, PolicyRole } from '../types';
import { GpuContext } from './gpu';
import { arenaLayout, type ArenaLayout } from './layout';
import { buildSamplePlan, buildUpdatePlan, type Arenas, type SamplePlan, type UpdatePlan } from './plan';
import { STATS_PER_PASS, STEP_BYTES, packStep, type StepScalars } from './kernels/step-uniform';

export interface FusedEngineOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  /** Adam's epsilon (default 1e-7, TF.js's float32 epsilon, as the TF.js engine uses). */
  epsilon?: number;
}

const F32 = 4;

/** The problems with `weights` as a full set for `table` (empty when they fit). */
export function weightProblems(table: ParamTable, weights: readonly WeightArray[]): string[] {
  const given = new Map(weights.map((w) => [w.name, w]));
  const problems: string[] = [];
  for (const e of table.entries) {
    const w = given.get(e.name);
    if (!w) problems.push(`${e.name}: missing`);
    else if (w.shape.join(',') !== e.shape.join(','))
      problems.push(`${e.name}: shape [${w.shape}] but the policy has [${e.shape}]`);
    else if (w.values.length !== e.size) problems.push(`${e.name}: ${w.values.length} values for ${e.size}`);
  }
  return problems;
}

function pack(table: ParamTable, weights: readonly WeightArray[], prefix = ''): Float32Array {
  const flat = new Float32Array(table.total);
  const given = new Map(weights.map((w) => [w.name, w]));
  for (const e of table.entries) flat.set(given.get(prefix + e.name)!.values, e.offset);
  return flat;
}

function unpack(table: ParamTable, flat: Float32Array, prefix = ''): WeightArray[] {
  return table.entries.map((e) => ({
    name: prefix + e.name,
    shape: e.shape.slice(),
    values: flat.slice(e.offset, e.offset + e.size),
  }));
}

export class FusedWebgpuEngine implements PolicyEngine {
  readonly name = 'webgpu-fused' as const;
  private readonly gpu: GpuContext;
  private readonly table: ParamTable;
  private readonly layout: ArenaLayout;
  private readonly arenas: Arenas;
  private readonly step: GPUBuffer;
  private readonly updatePlans = new Map<string, UpdatePlan>();
  private readonly samplePlans = new Map<string, SamplePlan>();
  private lr: number;
  private beta1: number;
  private beta2: number;
  private epsilon: number;
  private adamStep = 0;
  private disposed = false;

  constructor(
    device: GPUDevice,
    readonly config: PolicyConfig,
    opts: FusedEngineOptions,
  ) {
    this.gpu = new GpuContext(device);
    this.table = parameterTable(config);
    this.layout = arenaLayout(config);
    const bytes = this.table.total * F32;
    this.arenas = {
      params: this.gpu.storage(bytes, 'params'),
      grads: this.gpu.storage(bytes, 'grads'),
      m1: this.gpu.storage(bytes, 'adam m'),
      m2: this.gpu.storage(bytes, 'adam v'),
      reference: this.gpu.storage(bytes, 'reference params'),
    };
    this.step = this.gpu.uniform(new ArrayBuffer(STEP_BYTES), 'step scalars');
    this.lr = checkLr(opts.lr);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
  }

  /** GPU buffers alive (arenas, plans, staging): flat once every shape has been seen. */
  get liveBuffers(): number {
    return this.gpu.liveBuffers;
  }

  dispatches(): number {
    return this.gpu.dispatches;
  }

  private samplePlan(N: number, T: number, P: number): SamplePlan {
    const key = `${N}x${T}x${P}`;
    let plan = this.samplePlans.get(key);
    if (!plan) {
      plan = buildSamplePlan(this.gpu, this.layout, this.arenas.params, N, T, P);
      this.samplePlans.set(key, plan);
    }
    return plan;
  }

  private updatePlan(N: number, T: number, passes: number): UpdatePlan {
    const key = `${N}x${T}`;
    let plan = this.updatePlans.get(key);
    if (!plan || plan.maxPasses < passes) {
      if (plan) for (const b of plan.buffers) this.gpu.destroy(b);
      plan = buildUpdatePlan(this.gpu, this.layout, this.arenas, this.step, N, T, Math.max(passes, 2));
      this.updatePlans.set(key, plan);
    }
    return plan;
  }

  async sample(
    prompts: Int32Array,
    B: number,
    P: number,
    G: number,
    maxNew: number,
    temperature: number,
    rng: Rng,
  ): Promise<Rollouts> {
    validateSampling(this.config, prompts, B, P, G, maxNew, temperature);
    const N = B * G;
    const T = P + maxNew;
    const V = this.config.vocabSize;
    const plan = this.samplePlan(N, T, P);
    const rows = new Int32Array(N * T);
    for (let n = 0; n < N; n++) {
      const b = Math.floor(n / G);
      rows.set(prompts.subarray(b * P, b * P + P), n * T);
    }
    this.gpu.write(plan.tokens, rows);
    // The same draws, in the same order and layout [maxNew, N, V], as the TF.js sampler's noise;
    // the GPU takes the logarithms. Greedy draws nothing, so the stream does not move.
    const greedy = !(temperature > 0);
    if (!greedy) this.gpu.write(plan.gumbel, rng.uint32Array(maxNew * N * V));
    const settings = new ArrayBuffer(16);
    new Uint32Array(settings, 0, 2).set([N, greedy ? 1 : 0]);
    new Float32Array(settings, 8, 1)[0] = greedy ? 0 : temperature;
    this.gpu.write(plan.settings, settings);
    this.gpu.run(plan.sample, 'sample');
    countRead();
    const tokens = new Int32Array(await this.gpu.read(plan.tokens, N * T * 4));
    return { tokens, lengths: rolloutLengths(tokens, N, P, maxNew), N, T, P };
  }

  /** Upload the batch: tokens, and per row [mask, 1 / (N T_n)] then the advantages. */
  private upload(plan: UpdatePlan, batch: GrpoBatch): number {
    const { rollouts, advantages } = batch;
    const { N, T } = rollouts;
    const S = T - 1;
    const R = N * S;
    const mask = generatedMask(rollouts);
    const rowData = new Float32Array(2 * R + N);
    let valid = 0;
    for (let n = 0; n < N; n++) {
      let tn = 0;
      for (let s = 0; s < S; s++) tn += mask[n * S + s];
      valid += tn;
      const coef = 1 / (N * Math.max(tn, 1));
      for (let s = 0; s < S; s++) {
        rowData[2 * (n * S + s)] = mask[n * S + s];
        rowData[2 * (n * S + s) + 1] = coef;
      }
      rowData[2 * R + n] = advantages[n];
    }
    this.gpu.write(plan.tokens, rollouts.tokens);
    this.gpu.write(plan.rowData, rowData);
    return Math.max(valid, 1);
  }

  private scalars(opts: GrpoOptions, invValid: number, pass: number): StepScalars {
    this.adamStep += 1;
    const maxNorm = opts.maxGradNorm > 0 && Number.isFinite(opts.maxGradNorm) ? opts.maxGradNorm : 0;
    return {
      temperature: opts.temperature ?? 1,
      epsClip: opts.epsClip,
      betaKL: opts.betaKL,
      entCoef: opts.entCoef,
      invValid,
      firstPass: pass === 0 ? 1 : 0,
      passIndex: pass,
      stepSize: this.lr / (1 - this.beta1 ** this.adamStep),
      invSqrtBc2: 1 / Math.sqrt(1 - this.beta2 ** this.adamStep),
      beta1: this.beta1,
      beta2: this.beta2,
      adamEps: this.epsilon,
      maxNorm,
    };
  }

  async update(batch: GrpoBatch, opts: GrpoOptions): Promise<GrpoStats> {
    validateBatch(batch, opts);
    const { N, T } = batch.rollouts;
    const plan = this.updatePlan(N, T, opts.mu);
    const valid = this.upload(plan, batch);
    for (let pass = 0; pass < opts.mu; pass++) {
      // The reference's head reads the temperature from the step's scalars too: written first.
      this.gpu.write(this.step, packStep(this.scalars(opts, 1 / valid, pass)));
      if (pass === 0) this.gpu.run(plan.referenceForward, 'reference forward');
      this.gpu.run([...plan.gradient, ...plan.optimizer], `update pass ${pass}`);
    }
    countRead();
    const s = new Float32Array(await this.gpu.read(plan.stats, opts.mu * STATS_PER_PASS * F32));
    const sum = { loss: 0, clipLoss: 0, kl: 0, entropy: 0, clipFraction: 0, gradNorm: 0 };
    for (let p = 0; p < opts.mu; p++) {
      const o = p * STATS_PER_PASS;
      const clipLoss = -s[o];
      const kl = s[o + 2] / valid;
      const entropy = s[o + 3] / valid;
      let loss = clipLoss;
      if (opts.betaKL !== 0) loss += opts.betaKL * kl;
      if (opts.entCoef !== 0) loss -= opts.entCoef * entropy;
      sum.loss += loss;
      sum.clipLoss += clipLoss;
      sum.kl += kl;
      sum.entropy += entropy;
      sum.clipFraction += s[o + 1] / valid;
      sum.gradNorm += s[o + 4];
    }
    const m = 1 / opts.mu;
    return {
      loss: sum.loss * m,
      clipLoss: sum.clipLoss * m,
      kl: sum.kl * m,
      entropy: sum.entropy * m,
      clipFraction: sum.clipFraction * m,
      gradNorm: sum.gradNorm * m,
    };
  }

  /**
   * @internal For the equivalence tests: the gradient arena after one update pass on `batch`
   * (pass 0: the old policy is the current one), without the optimizer step; and the policy's
   * log-probabilities of the batch's tokens.
   */
  async gradientOf(
    batch: GrpoBatch,
    opts: GrpoOptions,
  ): Promise<{ grads: WeightArray[]; logp: Float32Array }> {
    const { N, T } = batch.rollouts;
    const plan = this.updatePlan(N, T, 1);
    const valid = this.upload(plan, batch);
    const saved = this.adamStep;
    this.gpu.write(this.step, packStep(this.scalars(opts, 1 / valid, 0)));
    this.adamStep = saved;
    this.gpu.run(plan.referenceForward, 'reference forward');
    this.gpu.run(plan.gradient, 'gradient');
    const grads = new Float32Array(await this.gpu.read(this.arenas.grads, this.table.total * F32));
    this.gpu.run(plan.policyLogProbs, 'log-probabilities');
    const logp = new Float32Array(await this.gpu.read(plan.logps, N * (T - 1) * F32));
    return { grads: unpack(this.table, grads), logp };
  }

  private arena(role: PolicyRole): GPUBuffer {
    return role === 'policy' ? this.arenas.params : this.arenas.reference;
  }

  async getWeights(role: PolicyRole): Promise<WeightArray[]> {
    countRead();
    return unpack(
      this.table,
      new Float32Array(await this.gpu.read(this.arena(role), this.table.total * F32)),
    );
  }

  setWeights(role: PolicyRole, weights: readonly WeightArray[]): void {
    const problems = weightProblems(this.table, weights);
    if (problems.length > 0) throw new Error(`setWeights: ${problems.join('; ')}`);
    this.gpu.write(this.arena(role), pack(this.table, weights));
  }

  async getOptimizerState(): Promise<AdamState> {
    const base = {
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      step: this.adamStep,
    };
    // As the TF.js engine: no moments before the first step.
    if (this.adamStep === 0) return { ...base, moments: [] };
    countRead();
    const m = new Float32Array(await this.gpu.read(this.arenas.m1, this.table.total * F32));
    const v = new Float32Array(await this.gpu.read(this.arenas.m2, this.table.total * F32));
    // Interleaved m:<name>, v:<name> per parameter, the TF.js engine's order.
    const ms = unpack(this.table, m, 'm:');
    const vs = unpack(this.table, v, 'v:');
    return { ...base, moments: ms.flatMap((x, i) => [x, vs[i]]) };
  }

  setOptimizerState(state: AdamState): void {
    checkLr(state.lr);
    if (state.moments.length > 0) {
      for (const kind of ['m', 'v']) {
        const named = state.moments
          .filter((w) => w.name.startsWith(`${kind}:`))
          .map((w) => ({ ...w, name: w.name.slice(2) }));
        const problems = weightProblems(this.table, named);
        if (problems.length > 0) throw new Error(`setAdamState: ${kind} moments: ${problems.join('; ')}`);
      }
      this.gpu.write(this.arenas.m1, pack(this.table, state.moments, 'm:'));
      this.gpu.write(this.arenas.m2, pack(this.table, state.moments, 'v:'));
    } else {
      const zeros = new Float32Array(this.table.total);
      this.gpu.write(this.arenas.m1, zeros);
      this.gpu.write(this.arenas.m2, zeros);
    }
    this.lr = state.lr;
    this.beta1 = state.beta1;
    this.beta2 = state.beta2;
    this.epsilon = state.epsilon;
    this.adamStep = state.step;
  }

  setLearningRate(lr: number): void {
    this.lr = checkLr(lr);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const plan of [...this.updatePlans.values(), ...this.samplePlans.values()])
      for (const b of plan.buffers) this.gpu.destroy(b);
    this.updatePlans.clear();
    this.samplePlans.clear();
    for (const b of Object.values(this.arenas)) this.gpu.destroy(b);
    this.gpu.destroy(this.step);
    this.gpu.dispose();
  }
}

function checkLr(lr: number): number {
  if (!Number.isFinite(lr) || lr < 0)
    throw new Error(`Adam: learning rate must be finite and >= 0, got ${lr}`);
  return lr;
}
