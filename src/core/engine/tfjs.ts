/**
 * The TF.js engine: the policy and its reference as tf.Variables, sampling and the update composed
 * from TF.js ops and the cpu/wasm kernels of policy/kernels. The reference implementation on every
 * backend, and the only engine on cpu, wasm and webgl.
 */
import { disposePolicy, getWeights, setWeights, type Policy } from '../policy/model';
import { samplePolicy } from '../policy/sample';
import {
  createGrpoOptimizer,
  getOptimizerState,
  grpoUpdate,
  setLearningRate,
  setOptimizerState,
  type GrpoOptimizer,
} from '../train/grpo';
import type { PolicyEngine, PolicyRole } from './types';

export function tfjsEngine(policy: Policy, reference: Policy, lr: number): PolicyEngine {
  const optimizer: GrpoOptimizer = createGrpoOptimizer(lr);
  const of = (role: PolicyRole): Policy => (role === 'policy' ? policy : reference);
  return {
    name: 'tfjs',
    sample: (prompts, B, P, G, maxNew, temperature, rng) =>
      samplePolicy(policy, prompts, B, P, G, maxNew, temperature, rng),
    update: (batch, opts) => grpoUpdate(policy, reference, optimizer, batch, opts),
    getWeights: (role) => getWeights(of(role)),
    setWeights: (role, weights) => setWeights(of(role), weights),
    getOptimizerState: () => getOptimizerState(optimizer),
    setOptimizerState: (state) => setOptimizerState(optimizer, state),
    setLearningRate: (lr) => setLearningRate(optimizer, lr),
    dispatches: () => 0,
    dispose: () => {
      disposePolicy(policy);
      disposePolicy(reference);
      optimizer.dispose();
    },
  };
}
