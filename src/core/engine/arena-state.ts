/**
 * What both fused engines keep the same way, whatever memory their arenas live in: weight sets
 * packed into and out of the one flat layout of the parameter table, Adam's hyper-parameters and
 * step count with the named moments of a checkpoint, and the update's statistics from the sums the
 * kernels leave. One home, so that a checkpoint or a statistic means the same on every engine.
 */
import type { AdamState } from '../policy/adam';
import type { WeightArray } from '../policy/model';
import type { ParamTable } from '../policy/param-table';
import type { GrpoOptions, GrpoStats } from '../train/grpo';

export interface FusedEngineOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  /** Adam's epsilon (default 1e-7, TF.js's float32 epsilon, as the TF.js engine uses). */
  epsilon?: number;
}

export function checkLr(lr: number): number {
  if (!Number.isFinite(lr) || lr < 0)
    throw new Error(`Adam: learning rate must be finite and >= 0, got ${lr}`);
  return lr;
}

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

/** `weights` (named `prefix` + table name) into the flat layout, in `into` or a new array. */
export function packArena(
  table: ParamTable,
  weights: readonly WeightArray[],
  prefix = '',
  into: Float32Array = new Float32Array(table.total),
): Float32Array {
  const given = new Map(weights.map((w) => [w.name, w]));
  for (const e of table.entries) into.set(given.get(prefix + e.name)!.values, e.offset);
  return into;
}

/** The flat layout as named tensors (copies). */
export function unpackArena(table: ParamTable, flat: Float32Array, prefix = ''): WeightArray[] {
  return table.entries.map((e) => ({
    name: prefix + e.name,
    shape: e.shape.slice(),
    values: flat.slice(e.offset, e.offset + e.size),
  }));
}

/** Adam's settings and step count; the moments live in the engine's arenas. */
export class AdamSettings {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** Steps taken so far (drives the bias correction). */
  step = 0;

  constructor(opts: FusedEngineOptions) {
    this.lr = checkLr(opts.lr);
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.epsilon = opts.epsilon ?? 1e-7;
  }

  /** Count a step and return its step size and second-moment bias correction. */
  next(): { stepSize: number; invSqrtBc2: number } {
    this.step += 1;
    return {
      stepSize: this.lr / (1 - this.beta1 ** this.step),
      invSqrtBc2: 1 / Math.sqrt(1 - this.beta2 ** this.step),
    };
  }

  /**
   * The checkpoint's state with the flat moments; none before the first step (as the TF.js
   * engine), when `moments` may be left out.
   */
  state(table: ParamTable, moments?: { m: Float32Array; v: Float32Array }): AdamState {
    const base = {
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      step: this.step,
    };
    if (this.step === 0 || !moments) return { ...base, moments: [] };
    const ms = unpackArena(table, moments.m, 'm:');
    const vs = unpackArena(table, moments.v, 'v:');
    // Interleaved m:<name>, v:<name> per parameter, the TF.js engine's order.
    return { ...base, moments: ms.flatMap((x, i) => [x, vs[i]]) };
  }

  /**
   * Take a checkpoint's settings; returns its moments in the flat layout (zeros when it has none),
   * or throws naming every missing or misshapen moment before anything changes.
   */
  restore(table: ParamTable, state: AdamState): { m: Float32Array; v: Float32Array } {
    checkLr(state.lr);
    let m: Float32Array = new Float32Array(table.total);
    let v: Float32Array = new Float32Array(table.total);
    if (state.moments.length > 0) {
      for (const kind of ['m', 'v']) {
        const named = state.moments
          .filter((w) => w.name.startsWith(`${kind}:`))
          .map((w) => ({ ...w, name: w.name.slice(2) }));
        const problems = weightProblems(table, named);
        if (problems.length > 0) throw new Error(`setAdamState: ${kind} moments: ${problems.join('; ')}`);
      }
      m = packArena(table, state.moments, 'm:');
      v = packArena(table, state.moments, 'v:');
    }
    this.lr = state.lr;
    this.beta1 = state.beta1;
    this.beta2 = state.beta2;
    this.epsilon = state.epsilon;
    this.step = state.step;
    return { m, v };
  }
}

/** What the kernels sum over one pass's rows: sum of surrogate / (N T_n), clipped tokens, KL, entropy. */
export interface PassSums {
  clipSum: number;
  clipped: number;
  klSum: number;
  entropySum: number;
  gradNorm: number;
}

/** The update's statistics, each pass's as the TF.js loss defines them, averaged over the passes. */
export function averageStats(passes: readonly PassSums[], valid: number, opts: GrpoOptions): GrpoStats {
  const sum = { loss: 0, clipLoss: 0, kl: 0, entropy: 0, clipFraction: 0, gradNorm: 0 };
  for (const p of passes) {
    const clipLoss = -p.clipSum;
    const kl = p.klSum / valid;
    const entropy = p.entropySum / valid;
    let loss = clipLoss;
    if (opts.betaKL !== 0) loss += opts.betaKL * kl;
    if (opts.entCoef !== 0) loss -= opts.entCoef * entropy;
    sum.loss += loss;
    sum.clipLoss += clipLoss;
    sum.kl += kl;
    sum.entropy += entropy;
    sum.clipFraction += p.clipped / valid;
    sum.gradNorm += p.gradNorm;
  }
  const m = 1 / passes.length;
  return {
    loss: sum.loss * m,
    clipLoss: sum.clipLoss * m,
    kl: sum.kl * m,
    entropy: sum.entropy * m,
    clipFraction: sum.clipFraction * m,
    gradNorm: sum.gradNorm * m,
  };
}
