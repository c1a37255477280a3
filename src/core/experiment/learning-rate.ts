/**
 * The RL learning rate a run uses. With `optim.lrByWidth` the given rate is the small policy's, and
 * a wider policy takes it times 32 / its width (medium: 1/2, large: 1/3): Adam's update size does not
 * shrink with width, so a fixed rate moves a wider policy's outputs further per step (the reasoning
 * behind muP's 1/width rule for hidden weights, and the ratio the model zoo found for supervised
 * training: 0.01 / 0.005 / 0.003). Measured need: at one fixed rate, RL on the training prompts
 * overfits the medium and large policies, and held-out `topic` falls (docs/benchmarks.md,
 * "Reachability").
 */
import type { ModelSize, OptimConfig } from './schema';

/** Model width (d_model) per size; a unit test checks it against the policy's own table. */
export const MODEL_WIDTHS: Readonly<Record<ModelSize, number>> = { small: 32, medium: 64, large: 96 };

export function rlLearningRate(optim: Pick<OptimConfig, 'lr' | 'lrByWidth'>, size: ModelSize): number {
  return optim.lrByWidth ? (optim.lr * MODEL_WIDTHS.small) / MODEL_WIDTHS[size] : optim.lr;
}
