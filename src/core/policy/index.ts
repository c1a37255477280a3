/**
 * The policy: model, sampling, log-probabilities, warm start. Node's backend setup is the command
 * line's (src/cli/backend-node.ts), outside the core.
 */
export {
  POLICY_SIZES,
  clonePolicy,
  createPolicy,
  disposePolicy,
  getWeights,
  parameterCount,
  setWeights,
  type NamedParam,
  type Policy,
  type PolicyConfig,
  type PolicyDims,
  type PolicySize,
  type WeightArray,
} from './model';
export { gumbelMaxSample, samplePolicy, type Rollouts } from './sample';
export { tokenLogProbs, tokenLogProbsAndEntropy, type TokenLogProbs } from './logprobs';
export { outputMask, warmStart, type WarmStartOptions } from './warmstart';
export { readBack, resetTransferStats, transferStats, type TransferStats } from './transfer';
export { BOS, EOS, MASKED_LOGIT, NEVER_GENERATED, PAD, SEP } from './tokens';
