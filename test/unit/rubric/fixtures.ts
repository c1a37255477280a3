/** Small hand-made rollouts, a lexicon and a rubric builder shared by the rubric tests. */
import type { z } from 'zod';
import type { criterionParamsSchema, DecodedRollout, Lexicon, RubricInput } from '../../../src/core/rubric';

/** Criterion params as a caller writes them (defaults not filled in). */
export type ParamsInput = z.input<typeof criterionParamsSchema>;

export const lexicon: Lexicon = {
  wordClasses: {
    adjective: ['red', 'cold', 'bright'],
    noun: ['moon', 'sea', 'cat', 'hat'],
    empty: [],
  },
  rhymes: { moon: 'oon', spoon: 'oon', June: 'oon', cat: 'at', hat: 'at', sea: 'ee' },
};

/** A rollout from a sentence: words split on spaces, text as written. */
export function rollout(text: string, topic = 'moon'): DecodedRollout {
  const words = text.split(' ').filter((w) => w !== '');
  return { prompt: { topic }, words, text };
}

/** A one-criterion rubric input around `params`. */
export function single(params: ParamsInput, extra: Record<string, unknown> = {}): RubricInput {
  return { criteria: [{ id: 'c', name: 'criterion', params, weight: 1, ...extra }] };
}
