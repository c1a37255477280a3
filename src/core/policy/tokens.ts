/**
 * The fixed token layout shared by every task (set by the lead): ids 0..3 are structural, the
 * task's words follow. A prompt is `[bos, ..., sep]` of a fixed length P per task; a rollout is the
 * prompt plus up to `maxNew` generated tokens ending with <eos>, then <pad>.
 */
export const PAD = 0;
export const BOS = 1;
export const SEP = 2;
export const EOS = 3;

/** Tokens the policy can never emit: their logits are pinned to {@link MASKED_LOGIT}. */
export const NEVER_GENERATED: readonly number[] = [PAD, BOS, SEP];

/**
 * Logit given to tokens the policy never emits. Large enough that their probability is exactly 0
 * in float32, small enough to stay finite in 16-bit floats (WebGL) and under temperature.
 */
export const MASKED_LOGIT = -1e4;
