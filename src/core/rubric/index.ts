/**
 * The rubric core: schema, checks against a task's lexicon, compiled scorers, the simulated judge
 * and the one definition of "pass". Plain TypeScript; runs in workers, Node and tests.
 */
export * from './schema';
export type { DecodedRollout, Lexicon, Prompt } from './types';
export { checkCriterion, checkRubric, validateRubric } from './check';
export { compileRubric, RubricError, type CompiledRubric } from './compile';
export { applyJudge } from './judge';
export { passes, PASS_TOLERANCE } from './pass';
export { compilePattern, type CompiledPattern, type Pattern } from './pattern';
