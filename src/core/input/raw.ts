/**
 * The first check on anything parsed from outside (a link, a file, an import), before any schema,
 * merge or copy touches it:
 * - nesting is bounded, so that nothing later that recurses (zod, the variants' deep merge,
 *   `structuredClone`, Svelte's state proxies) can overflow the stack;
 * - no key can reach an object's prototype in a merge (`JSON.parse` makes `__proto__` an own key,
 *   and `target[key] = value` with it would replace the target's prototype);
 * - numbers are finite and normal (JSON's `1e999` parses to Infinity, `5e-324` is subnormal);
 * - strings are well-formed Unicode (an escaped lone surrogate breaks encoders later).
 * The walk itself is iterative, so the check cannot overflow on the input it refuses.
 */
import type { Problem } from '../validation';

/** Deepest nesting of objects and arrays accepted; an experiment nests 9 deep at most. */
export const MAX_DEPTH = 16;
/** Keys refused at every depth. */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];
/** Problems reported at most, so that a huge bad file gives a readable answer. */
const MAX_PROBLEMS = 20;
const MIN_NORMAL = 2.2250738585072014e-308;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export interface RawOptions {
  /** Refuse non-finite and subnormal numbers (off for recorded metrics, whose NaN is data). */
  numbers?: boolean;
}

interface Node {
  value: unknown;
  parent: Node | null;
  key: string | number | null;
  depth: number;
}

function pathOf(node: Node): string {
  const parts: (string | number)[] = [];
  for (let n: Node | null = node; n && n.key !== null; n = n.parent) parts.push(n.key);
  return parts.reverse().join('.');
}

export function rawProblems(input: unknown, options: RawOptions = {}): Problem[] {
  const numbers = options.numbers ?? true;
  const problems: Problem[] = [];
  const stack: Node[] = [{ value: input, parent: null, key: null, depth: 0 }];
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const node = stack.pop()!;
    const value = node.value;
    if (typeof value === 'number') {
      if (!numbers) continue;
      if (!Number.isFinite(value))
        problems.push({ path: pathOf(node), message: `${value} is not a finite number` });
      else if (value !== 0 && Math.abs(value) < MIN_NORMAL)
        problems.push({
          path: pathOf(node),
          message: `${value} is a subnormal number (too close to 0 to compute with); use 0 or a number of magnitude at least ${MIN_NORMAL}`,
        });
      continue;
    }
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value))
        problems.push({ path: pathOf(node), message: 'contains a lone surrogate (not valid Unicode text)' });
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const depth = node.depth + 1;
    if (depth > MAX_DEPTH) {
      problems.push({
        path: pathOf(node),
        message: `nested deeper than ${MAX_DEPTH} levels of objects and arrays (no field of an experiment nests that deep)`,
      });
      continue;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--)
        stack.push({ value: value[i], parent: node, key: i, depth });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const child: Node = { value: (value as Record<string, unknown>)[key], parent: node, key, depth };
      if (FORBIDDEN_KEYS.includes(key))
        problems.push({
          path: pathOf(child),
          message: `"${key}" is not allowed as a key (it could reach an object's prototype)`,
        });
      else stack.push(child);
    }
  }
  return problems;
}
