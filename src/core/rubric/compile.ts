/**
 * A rubric prepared for scoring: every enabled criterion compiled once (word sets, RE2 patterns),
 * static weights normalised to sum 1, judges in criterion order.
 */
import { describeProblems, parseWith, type Problem } from '../validation';
import { checkCriterion } from './check';
import { prepareScorer, type FoldedRollout, type Scorer } from './kinds';
import { rubricSchema, type Criterion, type Judge, type RubricInput } from './schema';
import type { DecodedRollout, Lexicon } from './types';
import { foldWord } from './words';

export interface CompiledRubric {
  /** Enabled criteria, in rubric order; index k below is a position in this list. */
  readonly criteria: readonly Criterion[];
  readonly ids: readonly string[];
  /** Static weights `w_k`, normalised to sum 1 over enabled criteria. */
  readonly weights: readonly number[];
  readonly judges: readonly Judge[];
  /** One exact score in [0, 1] per enabled criterion (no judge noise). */
  score(rollout: DecodedRollout): number[];
  /** Exact scores of N rollouts, row-major N x K: `r[n * K + k]`. */
  scoreBatch(rollouts: readonly DecodedRollout[]): Float64Array;
}

/** Thrown by `compileRubric`; carries the problems so callers can show them field by field. */
export class RubricError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    super(`invalid rubric:\n${describeProblems(problems)}`);
    this.name = 'RubricError';
    this.problems = problems;
  }
}

/**
 * Validates (schema, then lexicon and patterns of the enabled criteria) and prepares a rubric.
 * Throws a `RubricError` listing every problem; a disabled criterion's problems do not block it.
 */
export function compileRubric(input: RubricInput, lexicon: Lexicon): CompiledRubric {
  const parsed = parseWith(rubricSchema, input);
  if (!parsed.ok) throw new RubricError(parsed.problems);
  const enabled = parsed.value.criteria.flatMap((criterion, index) =>
    criterion.enabled ? [{ criterion, index }] : [],
  );
  const problems = enabled.flatMap(({ criterion, index }) => checkCriterion(criterion, index, lexicon));
  if (problems.length > 0) throw new RubricError(problems);

  const criteria = enabled.map((e) => e.criterion);
  const scorers: Scorer[] = criteria.map((c) => prepareScorer(c.params, lexicon));
  const totalWeight = criteria.reduce((sum, c) => sum + c.weight, 0);
  const K = criteria.length;

  const scoreInto = (rollout: DecodedRollout, out: { [k: number]: number }, offset: number): void => {
    // An empty output is never rewarded, not even by avoids / no-repeat / length with min 0.
    if (rollout.words.length === 0) {
      for (let k = 0; k < K; k++) out[offset + k] = 0;
      return;
    }
    const folded: FoldedRollout = {
      words: rollout.words.map(foldWord),
      text: rollout.text,
      topic: foldWord(rollout.prompt.topic.trim()),
    };
    for (let k = 0; k < K; k++) out[offset + k] = scorers[k](folded);
  };

  return {
    criteria,
    ids: criteria.map((c) => c.id),
    weights: criteria.map((c) => c.weight / totalWeight),
    judges: criteria.map((c) => ({ fp: c.judge.fp, fn: c.judge.fn })),
    score(rollout) {
      const out = new Array<number>(K);
      scoreInto(rollout, out, 0);
      return out;
    },
    scoreBatch(rollouts) {
      const out = new Float64Array(rollouts.length * K);
      rollouts.forEach((rollout, n) => scoreInto(rollout, out, n * K));
      return out;
    },
  };
}
