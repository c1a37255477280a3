/**
 * Live edits of a running run, apart from the RL step: validating an edit against the run's
 * current rubric, method and learning rate, and keeping every criterion's place in the run's
 * per-criterion vectors when criteria are added, removed or switched off. Pure, except for the
 * queue of edits waiting for the next step boundary.
 */
import { compileRubric, rubricSchema, type Rubric } from '../rubric';
import type { Lexicon } from '../rubric/types';
import { methodConfigSchema, type MethodConfig } from '../reward/config';
import { problemsOf, type Problem } from '../validation';
import type { LiveEdit } from './types';

/** A criterion's place in the run's per-criterion vectors. */
export interface Position {
  id: string;
  name: string;
}

/** Positions after a rubric change: existing ids keep theirs (with the latest name), new ids are appended. */
export function positionsAfter(positions: readonly Position[], rubric: Rubric): Position[] {
  const names = new Map(rubric.criteria.map((c) => [c.id, c.name]));
  const next = positions.map((p) => ({ id: p.id, name: names.get(p.id) ?? p.name }));
  for (const c of rubric.criteria)
    if (!next.some((p) => p.id === c.id)) next.push({ id: c.id, name: c.name });
  return next;
}

/** A vector over the enabled criteria (`ids`), spread over every position (NaN where off or removed). */
export function spreadOver(
  positions: readonly Position[],
  ids: readonly string[],
  values: ArrayLike<number>,
): number[] {
  const index = new Map(ids.map((id, k) => [id, k]));
  return positions.map((p) => {
    const k = index.get(p.id);
    return k === undefined ? Number.NaN : values[k];
  });
}

/** What a live edit may change. */
export interface EditableState {
  rubric: Rubric;
  positions: Position[];
  method: MethodConfig;
  lr: number;
}

/** The state an edit would give; problems (and no state) if any part is invalid. */
export function resolveEdit<S extends EditableState>(
  edit: LiveEdit,
  state: S,
  lexicon: Lexicon,
): { problems: Problem[]; next?: S } {
  const problems: Problem[] = [];
  let rubric = structuredClone(state.rubric);
  if (edit.rubric !== undefined) {
    const replaced = rubricSchema.safeParse(edit.rubric);
    if (!replaced.success) {
      problems.push(...problemsOf(replaced.error).map((p) => ({ ...p, path: `rubric.${p.path}` })));
      return { problems };
    }
    rubric = replaced.data;
  }
  for (const [i, change] of (edit.criteria ?? []).entries()) {
    const criterion = rubric.criteria.find((c) => c.id === change.id);
    if (!criterion) {
      problems.push({ path: `criteria.${i}.id`, message: `no criterion with id "${change.id}"` });
      continue;
    }
    if (change.weight !== undefined) criterion.weight = change.weight;
    if (change.enabled !== undefined) criterion.enabled = change.enabled;
    if (change.judge !== undefined) criterion.judge = change.judge;
    if (change.params !== undefined) criterion.params = change.params as typeof criterion.params;
  }
  const parsedRubric = rubricSchema.safeParse(rubric);
  if (!parsedRubric.success)
    problems.push(...problemsOf(parsedRubric.error).map((p) => ({ ...p, path: `rubric.${p.path}` })));
  else {
    try {
      compileRubric(parsedRubric.data, lexicon);
    } catch (error) {
      problems.push({ path: 'rubric', message: error instanceof Error ? error.message : String(error) });
    }
  }
  let method = state.method;
  if (edit.method !== undefined) {
    const parsed = methodConfigSchema.safeParse(edit.method);
    if (!parsed.success)
      problems.push(...problemsOf(parsed.error).map((p) => ({ ...p, path: `method.${p.path}` })));
    else method = parsed.data;
  }
  if (edit.lr !== undefined && !(Number.isFinite(edit.lr) && edit.lr > 0 && edit.lr <= 1))
    problems.push({ path: 'lr', message: 'must be a number in (0, 1]' });
  if (problems.length || !parsedRubric.success) return { problems };
  return {
    problems,
    next: {
      ...state,
      rubric: parsedRubric.data,
      positions: positionsAfter(state.positions, parsedRubric.data),
      method,
      lr: edit.lr ?? state.lr,
    },
  };
}

/** Edits accepted between steps, applied in order at the next step boundary. */
export class EditQueue {
  private pending: LiveEdit[] = [];

  /** Queue `edit` if it is valid against `state`; returns its problems otherwise (nothing queued). */
  offer(edit: LiveEdit, state: EditableState, lexicon: Lexicon): Problem[] {
    const { problems } = resolveEdit(edit, state, lexicon);
    if (problems.length === 0) this.pending.push(edit);
    return problems;
  }

  /** The queued edits, oldest first; the queue is then empty. */
  drain(): LiveEdit[] {
    return this.pending.splice(0);
  }

  clear(): void {
    this.pending = [];
  }
}
