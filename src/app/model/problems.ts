/**
 * Problems from a schema, looked up by the field they belong to, for messages beside the field.
 */
import type { Problem } from '../../core/validation';

export class ProblemIndex {
  constructor(readonly all: readonly Problem[]) {}

  /** Messages whose path is exactly `path`. */
  at(path: string): string[] {
    return this.all.filter((p) => p.path === path).map((p) => p.message);
  }

  /** Messages at `path` or anywhere below it. */
  under(path: string): string[] {
    return this.all.filter((p) => p.path === path || p.path.startsWith(`${path}.`)).map((p) => p.message);
  }

  get ok(): boolean {
    return this.all.length === 0;
  }
}

export const NO_PROBLEMS = new ProblemIndex([]);

/** Problems as the lines of a message: `path: message`, or the message alone at the root. */
export function problemLines(problems: readonly Problem[]): string[] {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
}
