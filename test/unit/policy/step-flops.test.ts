import { describe, expect, it } from 'vitest';
import { stepFlops, type StepShape } from '../../../src/core/policy/step-flops';

// D 4, one layer, F 16, V 8; 2 rollouts, prompt 2, one new token: T 3, S 2 rows per rollout.
const tiny: StepShape = {
  dims: { dModel: 4, nLayers: 1, nHeads: 1, dMlp: 16 },
  vocabSize: 8,
  rollouts: 2,
  promptLength: 2,
  maxNew: 1,
  mu: 2,
};

describe('stepFlops', () => {
  it('counts a tiny step by hand', () => {
    // A row through the layer: q, k, v, out 4 x (2 4 4) = 128; MLP 2 4 16 + 2 16 4 = 256: 384.
    // Attention, scores and values 2 x 4 flops per key each: row 0 has 1 key (16), row 1 has 2
    // (32); 48 per rollout, 96 for both. Forward: 4 rows x 384 + 96 + head 4 x 2 4 8 = 1536 + 96 + 256 = 1888.
    // Sampling: the same 4 rows and attention, the head at the one drawn position: 2 x 64 = 128: 1760.
    // Step: 1760 + 1888 (reference) + 2 passes x 3 x 1888 = 14976.
    expect(stepFlops(tiny)).toBe(14976);
  });

  it('adds three forwards per update pass', () => {
    // One pass less takes away a forward (1888) and its backward (2 x 1888).
    expect(stepFlops(tiny) - stepFlops({ ...tiny, mu: 1 })).toBe(3 * 1888);
  });

  it('grows with the vocabulary only through the head', () => {
    // V 8 -> 9: the head's 2 D per row, over 4 forward rows x 7 (reference, 2 x (forward + 2
    // backward)) and 2 sampled rows: 8 (28 + 2) = 240.
    expect(stepFlops({ ...tiny, vocabSize: 9 }) - stepFlops(tiny)).toBe(240);
  });
});
