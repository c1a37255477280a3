/**
 * From raw input (file, link, form) to runnable configurations: validate, check references the
 * schema cannot know (task ids, criterion ids in weight overrides), and expand variants.
 */
import { z } from 'zod';
import { experimentCoreSchema, experimentSchema, type Experiment, type ExperimentCore } from './schema';
import { problemsOf, type Parsed, type Problem } from '../validation';
import { TASK_IDS, getTask } from '../task';
import { rubricSchema, type Rubric } from '../rubric/schema';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge of plain objects; arrays and scalars in `over` replace those in `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) out[key] = deepMerge(base[key], value);
  return out;
}

function taskProblems(core: ExperimentCore, prefix: string): Problem[] {
  if (!TASK_IDS.includes(core.task))
    return [
      { path: `${prefix}task`, message: `unknown task "${core.task}"; known tasks: ${TASK_IDS.join(', ')}` },
    ];
  return [];
}

/** The rubric a configuration trains under: its own, or its task's default. */
export function rubricOf(core: ExperimentCore): Rubric {
  return core.rubric ?? rubricSchema.parse(getTask(core.task).defaultRubric);
}

/** Validate an experiment from any source; every problem is reported with its path. */
export function parseExperiment(input: unknown): Parsed<Experiment> {
  const result = experimentSchema.safeParse(input);
  if (!result.success) {
    // Report an unknown task too, even though the rest of the file failed the schema.
    const task = isPlainObject(input) && typeof input.task === 'string' ? input.task : undefined;
    const unknownTask =
      task !== undefined && task.length > 0 && !TASK_IDS.includes(task)
        ? taskProblems({ task } as ExperimentCore, '')
        : [];
    return { ok: false, problems: [...problemsOf(result.error), ...unknownTask] };
  }
  const experiment = result.data;
  const problems = taskProblems(experiment, '');
  experiment.variants.forEach((variant, i) => {
    const resolved = resolveOne(experiment, variant.overrides, `variants.${i}.overrides.`);
    if (!resolved.ok) problems.push(...resolved.problems);
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: experiment };
}

/** The base part of an experiment (without name, seeds and variants). */
export function coreOf(experiment: Experiment): ExperimentCore {
  const { version: _v, name: _n, description: _d, seeds: _s, variants: _va, ...core } = experiment;
  return core;
}

/**
 * Overrides may also carry `weights: { criterionId: weight }` as a shorthand for editing the
 * rubric's weights without restating it.
 */
const weightShorthand = z.record(z.string(), z.number().min(0).max(100));

function resolveOne(
  experiment: Experiment,
  overrides: Record<string, unknown>,
  prefix: string,
): Parsed<ExperimentCore> {
  const { weights, ...rest } = overrides;
  const merged = deepMerge(coreOf(experiment), rest) as Record<string, unknown>;
  // A variant that changes the task without giving a rubric trains under the new task's default.
  if ('task' in rest && !('rubric' in rest)) delete merged.rubric;
  const parsed = experimentCoreSchema.safeParse(merged);
  if (!parsed.success)
    return {
      ok: false,
      problems: problemsOf(parsed.error).map((p) => ({ path: prefix + p.path, message: p.message })),
    };
  const core = parsed.data;
  const problems = taskProblems(core, prefix);
  if (problems.length) return { ok: false, problems };
  if (weights !== undefined) {
    const w = weightShorthand.safeParse(weights);
    if (!w.success)
      return {
        ok: false,
        problems: problemsOf(w.error).map((p) => ({
          path: `${prefix}weights.${p.path}`,
          message: p.message,
        })),
      };
    const rubric = structuredClone(rubricOf(core));
    for (const [id, weight] of Object.entries(w.data)) {
      const criterion = rubric.criteria.find((c) => c.id === id);
      if (!criterion)
        return {
          ok: false,
          problems: [{ path: `${prefix}weights.${id}`, message: `no criterion with id "${id}"` }],
        };
      criterion.weight = weight;
    }
    const checked = rubricSchema.safeParse(rubric);
    if (!checked.success)
      return {
        ok: false,
        problems: problemsOf(checked.error).map((p) => ({
          path: `${prefix}weights (${p.path})`,
          message: p.message,
        })),
      };
    core.rubric = checked.data;
  }
  return { ok: true, value: core };
}

export interface ResolvedVariant {
  name: string;
  config: ExperimentCore;
}

/** The configurations to run: the variants, or the base alone when there are none. */
export function resolveVariants(experiment: Experiment): ResolvedVariant[] {
  if (experiment.variants.length === 0) return [{ name: experiment.name, config: coreOf(experiment) }];
  return experiment.variants.map((variant, i) => {
    const resolved = resolveOne(experiment, variant.overrides, `variants.${i}.overrides.`);
    if (!resolved.ok) throw new Error(resolved.problems.map((p) => `${p.path}: ${p.message}`).join('\n'));
    return { name: variant.name, config: resolved.value };
  });
}
