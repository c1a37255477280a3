/**
 * The weights an aggregator trains with: the rubric's static weights, except where the method's
 * `trainingWeights` replaces a criterion's, normalised to sum 1 over the enabled criteria. The
 * rubric's own (normalised) weights stay what evaluation and reported scores use.
 */
import type { Criterion } from '../rubric/schema';

export function trainingWeightsOf(
  criteria: readonly Pick<Criterion, 'id' | 'weight'>[],
  overrides: Readonly<Record<string, number>> | undefined,
): number[] {
  const raw = criteria.map((c) => (overrides && Object.hasOwn(overrides, c.id) ? overrides[c.id] : c.weight));
  const total = raw.reduce((a, b) => a + b, 0);
  // Validation refuses overrides that leave no positive weight; a live edit that removes the
  // weighted criteria falls back to the rubric's weights rather than dividing by zero.
  if (!(total > 0)) {
    const rubricTotal = criteria.reduce((a, c) => a + c.weight, 0);
    return criteria.map((c) => c.weight / rubricTotal);
  }
  return raw.map((w) => w / total);
}
