/**
 * What the trainer needs from a policy engine: sample rollouts, run the GRPO update on them, and
 * hand out or take in the weights and the optimizer's state by name. Two engines implement it:
 * TF.js ops on any backend (the reference, `tfjs.ts`) and hand-written WGSL on TF.js's own WebGPU
 * device (`webgpu/engine.ts`), and the same plan as C compiled to WebAssembly with SIMD
 * (`wasm/engine.ts`). All read one parameter table, so checkpoints move between them.
 */
import type { AdamState } from '../policy/adam';
import type { WeightArray } from '../policy/model';
import type { Rollouts } from '../policy/sample';
import type { Rng } from '../random/rng';
import type { GrpoBatch, GrpoOptions, GrpoStats } from '../train/grpo';

export type EngineName = 'tfjs' | 'webgpu-fused' | 'wasm-fused';

/**
 * Which engine to make: `auto` the fused WebGPU engine where TF.js runs on webgpu and TF.js ops
 * elsewhere; `tfjs` TF.js ops everywhere; `wasm-fused` the fused CPU engine (engine/wasm).
 */
export type EngineChoice = 'auto' | 'tfjs' | 'wasm-fused';

/** Which weights: the policy being trained, or the frozen KL reference. */
export type PolicyRole = 'policy' | 'reference';

export interface PolicyEngine {
  readonly name: EngineName;
  /** The threads its kernels run on, where it has a say (the fused wasm engine: threads.ts). */
  readonly threads?: number;
  /**
   * G rollouts for each of B prompts (`prompts`: [B * P] row-major), rollout n = b * G + g, as
   * `samplePolicy` (policy/sample.ts) defines them: Gumbel-max with noise drawn from `rng`.
   */
  sample(
    prompts: Int32Array,
    B: number,
    P: number,
    G: number,
    maxNew: number,
    temperature: number,
    rng: Rng,
  ): Promise<Rollouts>;
  /** One GRPO update (reference forward, `mu` passes), statistics averaged over the passes. */
  update(batch: GrpoBatch, opts: GrpoOptions): Promise<GrpoStats>;
  getWeights(role: PolicyRole): Promise<WeightArray[]>;
  /** Every parameter by name with its exact shape, else throws naming what is wrong. */
  setWeights(role: PolicyRole, weights: readonly WeightArray[]): void;
  getOptimizerState(): Promise<AdamState>;
  setOptimizerState(state: AdamState): void;
  setLearningRate(lr: number): void;
  /** GPU dispatches issued so far (fused engine only; the TF.js engine's launches are counted by wrapping its kernels). */
  dispatches(): number;
  dispose(): void;
}
