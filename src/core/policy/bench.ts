/**
 * Micro-benchmark of one RL step's device work: sampling N rollouts and one GRPO update, on the
 * backend currently selected (or `backend`, which must already be registered).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random/rng';
import { GRPO_DEFAULTS, createGrpoOptimizer, grpoUpdate } from '../train/grpo';
import { clonePolicy, createPolicy, disposePolicy, parameterCount, type PolicySize } from './model';
import { samplePolicy } from './sample';
import { BOS, SEP } from './tokens';
import { resetTransferStats, transferStats } from './transfer';

export interface PolicyBenchOptions {
  backend?: string;
  size?: PolicySize;
  /** Prompts per step; N = B * G. */
  B?: number;
  G?: number;
  P?: number;
  maxNew?: number;
  V?: number;
  /** Timed repetitions after `warmup` untimed ones. */
  repeats?: number;
  warmup?: number;
}

export interface PolicyBenchResult {
  backend: string;
  size: PolicySize;
  parameters: number;
  N: number;
  T: number;
  V: number;
  mu: number;
  /** Median wall time of `samplePolicy`. */
  sampleMs: number;
  /** Median wall time of `grpoUpdate` (mu passes). */
  updateMs: number;
  /** Device -> CPU reads per step (sampling + update). */
  readsPerStep: number;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export async function runPolicyBench(opts: PolicyBenchOptions = {}): Promise<PolicyBenchResult> {
  if (opts.backend && tf.getBackend() !== opts.backend) {
    if (!(await tf.setBackend(opts.backend)))
      throw new Error(`bench: backend ${opts.backend} failed to initialise`);
  }
  await tf.ready();
  const { size = 'medium', B = 8, G = 8, P = 3, maxNew = 12, V = 64, repeats = 5, warmup = 1 } = opts;
  const config = { size, vocabSize: V, maxLen: P + maxNew };
  const rng = new Rng(0, 'bench');
  const policy = createPolicy(config, rng);
  const ref = clonePolicy(policy);
  const optimizer = createGrpoOptimizer(1e-3);
  const options = { ...GRPO_DEFAULTS };
  const prompts = new Int32Array(B * P);
  for (let b = 0; b < B; b++) prompts.set([BOS, 4 + rng.int(V - 4), SEP], b * P);
  const sampleTimes: number[] = [];
  const updateTimes: number[] = [];
  let reads = 0;
  try {
    for (let i = 0; i < warmup + repeats; i++) {
      resetTransferStats();
      const t0 = performance.now();
      const rollouts = await samplePolicy(policy, prompts, B, P, G, maxNew, 1, rng);
      const t1 = performance.now();
      const advantages = Float32Array.from({ length: rollouts.N }, () => rng.normal());
      await grpoUpdate(policy, ref, optimizer, { rollouts, advantages }, options);
      const t2 = performance.now();
      reads = transferStats().reads;
      if (i >= warmup) {
        sampleTimes.push(t1 - t0);
        updateTimes.push(t2 - t1);
      }
    }
  } finally {
    disposePolicy(policy);
    disposePolicy(ref);
    optimizer.dispose();
  }
  return {
    backend: tf.getBackend(),
    size,
    parameters: parameterCount(config),
    N: B * G,
    T: P + maxNew,
    V,
    mu: options.mu,
    sampleMs: median(sampleTimes),
    updateMs: median(updateTimes),
    readsPerStep: reads,
  };
}
