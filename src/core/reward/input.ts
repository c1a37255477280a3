/**
 * The one schema for an advantage request from outside (a file, the command line, the app).
 * Every rejection names its path; cross-field checks run even when some values are also wrong,
 * so that one pass reports every problem.
 */
import { z } from 'zod';
import { parseWith, type Parsed } from '../validation';
import { methodConfigSchema } from './config';
import type { AdvantageInput } from './types';

const score = z.number().min(0, 'must be at least 0').max(1, 'must be at most 1');
const rate = z.number().min(0, 'must be at least 0').max(1, 'must be at most 1');

export const judgeRatesSchema = z.object({ fp: rate, fn: rate }).refine((j) => j.fp + j.fn < 1, {
  message: 'fp + fn must be below 1 (otherwise the judge carries no signal)',
});

export const focalStateSchema = z.object({
  ema: z.array(z.number().min(0, 'must be at least 0').max(1, 'must be at most 1')),
  steps: z.number().int('must be an integer').min(0, 'must be at least 0'),
});

/** A flat Float64Array of scores becomes rows, and typed-array group ids a plain array. */
function plainArrays(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const o = raw as Record<string, unknown>;
  const out: Record<string, unknown> = { ...o };
  if (ArrayBuffer.isView(o.groups)) out.groups = Array.from(o.groups as unknown as ArrayLike<number>);
  if (o.scores instanceof Float64Array) {
    const k =
      typeof o.numCriteria === 'number' ? o.numCriteria : Array.isArray(o.weights) ? o.weights.length : 0;
    const flat = o.scores;
    if (Number.isInteger(k) && k >= 1 && flat.length % k === 0)
      out.scores = Array.from({ length: flat.length / k }, (_, i) =>
        Array.from(flat.subarray(i * k, (i + 1) * k)),
      );
  }
  return out;
}

const fields = z.object({
  scores: z.array(z.array(score), 'must be rows of scores (an array of arrays)'),
  numCriteria: z.number().int().min(1).optional(),
  groups: z.array(z.number().int('must be an integer group id'), 'must be an array of group ids'),
  weights: z.array(z.number().min(0, 'must be at least 0'), 'must be an array of weights'),
  judge: z.array(judgeRatesSchema).nullish(),
  config: methodConfigSchema,
  state: focalStateSchema.nullish(),
});

const asArray = (v: unknown): unknown[] | null => (Array.isArray(v) ? v : null);

export const advantageInputSchema = z.preprocess(
  plainArrays,
  fields.superRefine(
    (value, ctx) => {
      // Runs even after element problems, so the value is only as typed as each check proves.
      if (typeof value !== 'object' || value === null) return;
      const v = value as unknown as Record<string, unknown>;
      const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
      const rows = asArray(v.scores);
      if (!rows) return;
      const first = asArray(rows[0]);
      const k = typeof v.numCriteria === 'number' ? v.numCriteria : first ? first.length : 0;
      if (rows.length < 2) issue(['scores'], 'needs at least 2 rollouts (one group of 2)');
      if (k < 1) issue(['scores', 0], 'a row needs at least one score');
      rows.forEach((row, n) => {
        const r = asArray(row);
        if (r && r.length !== k) issue(['scores', n], `has ${r.length} scores, expected ${k} (ragged rows)`);
      });

      const groups = asArray(v.groups);
      if (groups && groups.length !== rows.length)
        issue(['groups'], `has ${groups.length} group ids for ${rows.length} rollouts`);
      else if (groups) {
        const size = new Map<unknown, number>();
        for (const id of groups) size.set(id, (size.get(id) ?? 0) + 1);
        groups.forEach((id, n) => {
          if (size.get(id) === 1)
            issue(
              ['groups', n],
              `group ${String(id)} has only one rollout; one rollout per group has no baseline`,
            );
        });
      }

      const weights = asArray(v.weights);
      if (weights) {
        if (weights.length !== k) issue(['weights'], `has ${weights.length} weights for ${k} criteria`);
        const total = weights.reduce<number>((t, w) => t + (typeof w === 'number' && w > 0 ? w : 0), 0);
        if (!(total > 0)) issue(['weights'], 'need a positive total (at least one weight above 0)');
        else if (!Number.isFinite(total)) issue(['weights'], 'total is not finite');
      }
      const judge = asArray(v.judge);
      if (judge && judge.length !== k) issue(['judge'], `has ${judge.length} entries for ${k} criteria`);
      const ema = asArray((v.state as { ema?: unknown } | null | undefined)?.ema);
      if (ema && ema.length !== k) issue(['state', 'ema'], `has ${ema.length} entries for ${k} criteria`);
    },
    { when: () => true },
  ),
);

/** Validate an advantage request; on success the value can go straight to `computeAdvantages`. */
export function validateAdvantageInput(input: unknown): Parsed<AdvantageInput> {
  return parseWith(advantageInputSchema, input);
}
