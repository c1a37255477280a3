/** Shared inputs and arbitraries for the reward tests (not a test file itself). */
import fc from 'fast-check';
import {
  computeAdvantages,
  methodConfigSchema,
  type AdvantageInput,
  type FocalState,
  type JudgeRates,
  type MethodConfig,
  type MethodConfigInput,
} from '../../../src/core/reward';

export const config = (c: MethodConfigInput): MethodConfig => methodConfigSchema.parse(c);

export const advantagesOf = (input: Omit<AdvantageInput, 'config'>, c: MethodConfigInput): number[] =>
  Array.from(computeAdvantages({ ...input, config: config(c) }).advantages);

export interface Batch {
  scores: number[][];
  groups: number[];
  weights: number[];
  judge: JudgeRates[];
  state: FocalState;
}

export type ScoreKind = 'any' | 'binary' | 'grid';

const score = (kind: ScoreKind): fc.Arbitrary<number> => {
  const binary = fc.constantFrom(0, 1);
  const grid = fc.integer({ min: 0, max: 10 }).map((i) => i / 10);
  const real = fc.double({ min: 0, max: 1, noNaN: true }).map(Math.abs); // no -0
  if (kind === 'binary') return binary;
  if (kind === 'grid') return grid;
  return fc.oneof(binary, grid, real);
};

/**
 * B groups of G rollouts each, K criteria. Group ids are arbitrary integers and the rollouts of a
 * group are not contiguous (they are interleaved), as nothing in the core may rely on either.
 */
export function batchArb(
  opts: { k?: number; kind?: ScoreKind; maxGroups?: number } = {},
): fc.Arbitrary<Batch> {
  const kind = opts.kind ?? 'any';
  return fc
    .record({
      b: fc.integer({ min: 1, max: opts.maxGroups ?? 4 }),
      g: fc.integer({ min: 2, max: 5 }),
      k: opts.k === undefined ? fc.integer({ min: 1, max: 4 }) : fc.constant(opts.k),
    })
    .chain(({ b, g, k }) =>
      fc.record({
        scores: fc.array(fc.array(score(kind), { minLength: k, maxLength: k }), {
          minLength: b * g,
          maxLength: b * g,
        }),
        ids: fc.uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: b, maxLength: b }),
        weights: fc
          .array(fc.oneof(fc.constant(0), fc.double({ min: 0.01, max: 5, noNaN: true })), {
            minLength: k,
            maxLength: k,
          })
          .filter((w) => w.some((x) => x > 0)),
        judge: fc.array(
          fc.record({
            fp: fc.double({ min: 0, max: 0.45, noNaN: true }),
            fn: fc.double({ min: 0, max: 0.45, noNaN: true }),
          }),
          { minLength: k, maxLength: k },
        ),
        ema: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: k, maxLength: k }),
        steps: fc.integer({ min: 0, max: 50 }),
      }),
    )
    .map(({ scores, ids, weights, judge, ema, steps }) => ({
      scores,
      // rollout n belongs to group n mod B: groups interleave
      groups: scores.map((_, n) => ids[n % ids.length]),
      weights,
      judge,
      // any state the schema accepts, reachable or not: the core must stay finite on all of them
      state: { ema, steps },
    }));
}

/** Every switchable part of every method, within the schema's ranges. */
export const methodConfigArb: fc.Arbitrary<MethodConfig> = fc
  .record({
    method: fc.constantFrom('static', 'gdpo', 'sa-mrpo', 'worst', 'focal' as const),
    gamma: fc.double({ min: 0, max: 10, noNaN: true }),
    beta: fc.double({ min: 0, max: 0.999, noNaN: true }),
    alphaMin: fc.double({ min: 0, max: 1, noNaN: true }),
    projection: fc.boolean(),
    base: fc.constantFrom('group', 'saturation' as const),
    scale: fc.constantFrom('group-std', 'snr', 'none' as const),
    norm: fc.constantFrom('batch', 'group' as const),
  })
  .map((c) => config(c));

/** `sqrt(mean (x - mean x)^2)`, written independently of the core. */
export function populationStd(x: readonly number[]): number {
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length);
}
