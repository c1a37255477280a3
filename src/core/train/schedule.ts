/**
 * When to evaluate: before the first step (the warm-started policy, the baseline every run is
 * measured against), every `every` steps, and at the last step.
 */
export function isEvaluationStep(step: number, every: number, totalSteps: number): boolean {
  return step === 0 || step === totalSteps || (every > 0 && step % every === 0);
}
