/**
 * The one validation path for an experiment from outside (a link, a file, a run import, the CLI,
 * the form): raw checks first (nesting depth, special keys, numbers: `rawProblems`), then the
 * strict schema, then what a schema cannot know (task ids, criterion ids in weight shorthands,
 * patterns and word classes against the task's lexicon, words against its vocabulary), for the
 * base and for every variant as it resolves. An experiment that passes `parseExperiment` resolves and compiles without an error.
 */
import { z } from 'zod';
import { experimentCoreSchema, experimentSchema, type Experiment, type ExperimentCore } from './schema';
import { problemsOf, type Parsed, type Problem } from '../validation';
import { rawProblems } from '../input/raw';
import { migrateExperiment } from './migrate';
import { TASK_IDS, getTask } from '../task';
import { rubricSchema, type Rubric } from '../rubric/schema';
import { checkRubric } from '../rubric/check';
import { vocabularyProblems } from './vocabulary';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep merge of plain objects; arrays and scalars in `over` replace those in `base`. Only for
 * input that passed `rawProblems` (bounded depth, no prototype keys); the copy is made with
 * `Object.defineProperty` semantics all the same, so that no key can set a prototype.
 */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over))
    Object.defineProperty(out, key, {
      value: deepMerge(Object.hasOwn(base, key) ? base[key] : undefined, value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return out;
}

const withPrefix = (prefix: string, problems: readonly Problem[]): Problem[] =>
  problems.map((p) => ({ path: prefix + p.path, message: p.message }));

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

/**
 * Task, then the rubric against the task's lexicon (patterns, word classes, rhymes) and its
 * vocabulary (listed words and plain-text patterns no output of the task can contain).
 */
function meaningProblems(core: ExperimentCore, rubricPrefix: string, prefix: string): Problem[] {
  const task = taskProblems(core, prefix);
  if (task.length > 0) return task;
  const rubric = rubricOf(core);
  const spec = getTask(core.task);
  return [
    ...withPrefix(rubricPrefix, checkRubric(rubric, spec.lexicon)),
    ...vocabularyProblems(rubric, spec, rubricPrefix),
    ...trainingWeightProblems(core, rubric, prefix),
  ];
}

/** `method.trainingWeights` names criteria of the rubric and leaves the enabled ones some weight. */
function trainingWeightProblems(core: ExperimentCore, rubric: Rubric, prefix: string): Problem[] {
  const overrides = core.method.trainingWeights;
  if (!overrides) return [];
  const path = `${prefix}method.trainingWeights`;
  const ids = rubric.criteria.map((c) => c.id);
  const problems: Problem[] = Object.keys(overrides)
    .filter((id) => !ids.includes(id))
    .map((id) => ({
      path: `${path}.${id}`,
      message: `no criterion "${id}" in the rubric; criteria: ${ids.join(', ')}`,
    }));
  const total = rubric.criteria
    .filter((c) => c.enabled)
    .reduce((a, c) => a + (Object.hasOwn(overrides, c.id) ? overrides[c.id] : c.weight), 0);
  if (problems.length === 0 && !(total > 0))
    problems.push({ path, message: 'the enabled criteria need a positive total training weight' });
  return problems;
}

/** Validate an experiment from any source; every problem is reported with its path. */
export function parseExperiment(given: unknown): Parsed<Experiment> {
  const raw = rawProblems(given);
  if (raw.length > 0) return { ok: false, problems: raw };
  // Older versions are read with their original meaning (migrate.ts), then checked as the current one.
  const input = migrateExperiment(given);
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
  const problems = meaningProblems(experiment, 'rubric.', '');
  experiment.variants.forEach((variant, i) => {
    const resolved = resolveOne(experiment, variant.overrides, `variants.${i}.overrides.`);
    if (!resolved.ok) problems.push(...resolved.problems);
  });
  return problems.length ? { ok: false, problems } : { ok: true, value: experiment };
}

/**
 * Validate one configuration (an experiment without name, seeds and variants), as a saved run
 * carries it: the same raw checks, schema and task checks as `parseExperiment`.
 */
export function parseConfig(input: unknown): Parsed<ExperimentCore> {
  const raw = rawProblems(input);
  if (raw.length > 0) return { ok: false, problems: raw };
  const result = experimentCoreSchema.safeParse(input);
  if (!result.success) return { ok: false, problems: problemsOf(result.error) };
  const problems = meaningProblems(result.data, 'rubric.', '');
  return problems.length ? { ok: false, problems } : { ok: true, value: result.data };
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
  if (!parsed.success) return { ok: false, problems: withPrefix(prefix, problemsOf(parsed.error)) };
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
  // The resolved rubric differs from the base's (checked already) in what the lexicon checks look
  // at only when the variant gives a rubric or changes the task: check it against the variant's task.
  if ('rubric' in rest || 'task' in rest) {
    const meaning = meaningProblems(core, `${prefix}rubric.`, prefix);
    if (meaning.length) return { ok: false, problems: meaning };
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
