/**
 * Turning a schema rejection into messages a person can act on: every problem, with its path.
 */
import type { z } from 'zod';

export interface Problem {
  /** Dotted path into the input, e.g. `rubric.criteria.2.weight`; empty for the root. */
  path: string;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

/** Keys that are refused with a message of their own rather than "unknown field". */
const REFUSED_KEYS: Record<string, string> = {
  debug:
    'test-only switches are not accepted from links, files or imports (the browser tests set them apart)',
};

/** One problem per issue; an unknown key is reported at its own path, so a typo is found at once. */
export function problemsOf(error: z.ZodError): Problem[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: formatPath([...issue.path, key]),
          message: Object.hasOwn(REFUSED_KEYS, key) ? REFUSED_KEYS[key] : 'unknown field',
        }))
      : [{ path: formatPath(issue.path), message: issue.message }],
  );
}

/** Validate `input` against `schema`, collecting every problem rather than the first. */
export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.output<S>> {
  const result = schema.safeParse(input);
  return result.success
    ? { ok: true, value: result.data }
    : { ok: false, problems: problemsOf(result.error) };
}

export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('\n');
}
