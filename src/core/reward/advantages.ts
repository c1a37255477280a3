/**
 * The reward core's entry point: one batch of scores in, advantages out, under any method.
 */
import {
  gdpoAggregator,
  saMrpoAggregator,
  staticAggregator,
  worstAggregator,
  type Aggregator,
} from './aggregators';
import type { Method } from './config';
import { focalAggregator } from './focal';
import { normaliseWeights, toScoreMatrix } from './scores';
import { indexGroups } from './stats';
import type { AdvantageInput, AdvantageResult } from './types';

export const AGGREGATORS: Record<Method, Aggregator> = {
  static: staticAggregator,
  gdpo: gdpoAggregator,
  'sa-mrpo': saMrpoAggregator,
  worst: worstAggregator,
  focal: focalAggregator,
};

/**
 * Advantages of one batch. Pure: the input (state included) is never modified. Shape mismatches
 * throw a RangeError; values are trusted, so untrusted data goes through `validateAdvantageInput`.
 */
export function computeAdvantages(input: AdvantageInput): AdvantageResult {
  const numCriteria =
    input.numCriteria ?? (input.scores instanceof Float64Array ? input.weights.length : undefined);
  const m = toScoreMatrix(input.scores, numCriteria);
  const expect = (what: string, length: number | undefined, wanted: number) => {
    if (length !== undefined && length !== wanted)
      throw new RangeError(`${what} has length ${length}, expected ${wanted}`);
  };
  expect('groups', input.groups.length, m.n);
  expect('weights', input.weights.length, m.k);
  expect('judge', input.judge?.length, m.k);
  expect('state.ema', input.state?.ema.length, m.k);
  return AGGREGATORS[input.config.method]({
    m,
    g: indexGroups(input.groups),
    w: normaliseWeights(input.weights),
    judge: input.judge ?? null,
    config: input.config,
    state: input.state ?? null,
  });
}
