/**
 * The one schema for a rubric, whatever its source (a task default, a link, a file, a form).
 * A criterion is plain data: what it checks (`kind` + `params`), how much it matters (`weight`),
 * whether it is on, and the simulated judge that may flip its verdict.
 */
import { z } from 'zod';

const word = z.string().trim().min(1, 'must not be empty').max(40, 'is longer than 40 characters');
const wordList = z.array(word).min(1, 'needs at least one word').max(200, 'has more than 200 words');

/** Simulated judge: verdicts are flipped at these rates, drawn from the run's judge stream. */
export const judgeSchema = z
  .object({
    fp: z.number().min(0).max(0.5).default(0),
    fn: z.number().min(0).max(0.5).default(0),
  })
  .refine((j) => j.fp + j.fn < 1, {
    message: 'fp + fn must be below 1 (otherwise the judge carries no signal)',
  });

export const criterionParamsSchema = z.discriminatedUnion('kind', [
  /** Word count in [min, max]; outside, the score falls linearly to 0 over `tolerance` words. */
  z.strictObject({
    kind: z.literal('length'),
    min: z.number().int().min(0).max(200),
    max: z.number().int().min(0).max(200),
    tolerance: z.number().positive().max(200).default(4),
  }),
  /** The output mentions the prompt's topic word. */
  z.strictObject({ kind: z.literal('topic') }),
  /** The output includes any (score 0/1) or all (score = share present) of the words. */
  z.strictObject({
    kind: z.literal('includes'),
    words: wordList,
    mode: z.enum(['any', 'all']).default('any'),
  }),
  /** The output uses none of the words. */
  z.strictObject({ kind: z.literal('avoids'), words: wordList }),
  /** No word appears twice. */
  z.strictObject({ kind: z.literal('no-repeat') }),
  /** The first word is one of the words. */
  z.strictObject({ kind: z.literal('starts-with'), words: wordList }),
  /** The last word is one of the words. */
  z.strictObject({ kind: z.literal('ends-with'), words: wordList }),
  /** The decoded text matches the pattern somewhere (RE2 syntax, linear time). */
  z.strictObject({
    kind: z.literal('regex'),
    pattern: z.string().min(1, 'must not be empty').max(500, 'is longer than 500 characters'),
    caseInsensitive: z.boolean().default(false),
  }),
  /** At least `min` words from a word class of the task's lexicon; graded as count / min. */
  z.strictObject({ kind: z.literal('word-class'), wordClass: word, min: z.number().int().min(1).max(50) }),
  /** The last word rhymes with the prompt's topic (by the task's rhyme table). */
  z.strictObject({ kind: z.literal('rhyme') }),
]);

export const criterionSchema = z.strictObject({
  id: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9-]{0,39}$/,
      'must be 1-40 lowercase letters, digits or dashes, starting with a letter or digit',
    ),
  name: z.string().trim().min(1, 'must not be empty').max(60),
  params: criterionParamsSchema,
  weight: z.number().min(0, 'must be at least 0').max(100, 'must be at most 100').finite(),
  enabled: z.boolean().default(true),
  judge: judgeSchema.default({ fp: 0, fn: 0 }),
});

export const rubricSchema = z
  .object({
    criteria: z
      .array(criterionSchema)
      .min(1, 'needs at least one criterion')
      .max(16, 'has more than 16 criteria'),
  })
  .superRefine((rubric, ctx) => {
    const seen = new Set<string>();
    rubric.criteria.forEach((c, i) => {
      if (seen.has(c.id))
        ctx.addIssue({ code: 'custom', path: ['criteria', i, 'id'], message: `duplicate id "${c.id}"` });
      seen.add(c.id);
      if (c.params.kind === 'length' && c.params.min > c.params.max)
        ctx.addIssue({
          code: 'custom',
          path: ['criteria', i, 'params', 'max'],
          message: 'max must be at least min',
        });
    });
    const active = rubric.criteria.filter((c) => c.enabled);
    // An empty list is already reported by `.min(1)`; zod still runs this refinement after it.
    if (rubric.criteria.length === 0) return;
    if (active.length === 0)
      ctx.addIssue({ code: 'custom', path: ['criteria'], message: 'at least one criterion must be enabled' });
    else if (active.every((c) => c.weight === 0))
      ctx.addIssue({
        code: 'custom',
        path: ['criteria'],
        message: 'the enabled criteria need a positive total weight',
      });
  });

export type Judge = z.infer<typeof judgeSchema>;
export type CriterionParams = z.infer<typeof criterionParamsSchema>;
export type CriterionKind = CriterionParams['kind'];
export type Criterion = z.infer<typeof criterionSchema>;
export type Rubric = z.infer<typeof rubricSchema>;
/** What a caller may write before defaults are filled in. */
export type RubricInput = z.input<typeof rubricSchema>;
