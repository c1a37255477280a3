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
import { expandPrompts, rolloutLengths, validateSampling, type Rollouts } from '../../policy/sample';
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
import {
  AdamSettings,
  averageStats,
  checkLr,
  packArena,
  unpackArena,
  weightProblems,
  type FusedEngineOptions,
} from '../arena-state';
import { GpuContext } from './gpu';
import { arenaLayout, type ArenaLayout } from './layout';
import { buildSamplePlan, buildUpdatePlan, type Arenas, type SamplePlan, type UpdatePlan } from './plan';
import { STATS_PER_PASS, STEP_BYTES, packStep, type StepScalars } from './kernels/step-uniform';

export type { FusedEngineOptions };

const F32 = 4;

export class FusedWebgpuEngine implements PolicyEngine {
  readonly name = 'webgpu-fused' as const;
  private readonly gpu: GpuContext;
  private readonly table: ParamTable;
  private readonly layout: ArenaLayout;
  private readonly arenas: Arenas;
  private readonly step: GPUBuffer;
  private readonly updatePlans = new Map<string, UpdatePlan>();
  private readonly samplePlans = new Map<string, SamplePlan>();
  private readonly adam: AdamSettings;
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
    this.adam = new AdamSettings(opts);
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
    this.gpu.write(plan.tokens, expandPrompts(prompts, G, P, T, new Int32Array(N * T)));
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
    const { stepSize, invSqrtBc2 } = this.adam.next();
    const maxNorm = opts.maxGradNorm > 0 && Number.isFinite(opts.maxGradNorm) ? opts.maxGradNorm : 0;
    return {
      temperature: opts.temperature ?? 1,
      epsClip: opts.epsClip,
      betaKL: opts.betaKL,
      entCoef: opts.entCoef,
      invValid,
      firstPass: pass === 0 ? 1 : 0,
      passIndex: pass,
      stepSize,
      invSqrtBc2,
      beta1: this.adam.beta1,
      beta2: this.adam.beta2,
      adamEps: this.adam.epsilon,
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
      this.gpu.run(plan.pass, `update pass ${pass}`);
    }
    countRead();
    const s = new Float32Array(await this.gpu.read(plan.stats, opts.mu * STATS_PER_PASS * F32));
    const passes = Array.from({ length: opts.mu }, (_, p) => {
      const o = p * STATS_PER_PASS;
      return { clipSum: s[o], clipped: s[o + 1], klSum: s[o + 2], entropySum: s[o + 3], gradNorm: s[o + 4] };
    });
    return averageStats(passes, valid, opts);
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
    const saved = this.adam.step;
    this.gpu.write(this.step, packStep(this.scalars(opts, 1 / valid, 0)));
    this.adam.step = saved;
    this.gpu.run(plan.referenceForward, 'reference forward');
    this.gpu.run(plan.gradient, 'gradient');
    const grads = new Float32Array(await this.gpu.read(this.arenas.grads, this.table.total * F32));
    this.gpu.run(plan.policyLogProbs, 'log-probabilities');
    const logp = new Float32Array(await this.gpu.read(plan.logps, N * (T - 1) * F32));
    return { grads: unpackArena(this.table, grads), logp };
  }

  private arena(role: PolicyRole): GPUBuffer {
    return role === 'policy' ? this.arenas.params : this.arenas.reference;
  }

  async getWeights(role: PolicyRole): Promise<WeightArray[]> {
    countRead();
    return unpackArena(
      this.table,
      new Float32Array(await this.gpu.read(this.arena(role), this.table.total * F32)),
    );
  }

  setWeights(role: PolicyRole, weights: readonly WeightArray[]): void {
    const problems = weightProblems(this.table, weights);
    if (problems.length > 0) throw new Error(`setWeights: ${problems.join('; ')}`);
    this.gpu.write(this.arena(role), packArena(this.table, weights));
  }

  async getOptimizerState(): Promise<AdamState> {
    if (this.adam.step === 0) return this.adam.state(this.table);
    countRead();
    const m = new Float32Array(await this.gpu.read(this.arenas.m1, this.table.total * F32));
    const v = new Float32Array(await this.gpu.read(this.arenas.m2, this.table.total * F32));
    return this.adam.state(this.table, { m, v });
  }

  setOptimizerState(state: AdamState): void {
    const { m, v } = this.adam.restore(this.table, state);
    this.gpu.write(this.arenas.m1, m);
    this.gpu.write(this.arenas.m2, v);
  }

  setLearningRate(lr: number): void {
    this.adam.lr = checkLr(lr);
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
