/**
 * User patterns run on RE2 (re2js): linear time in the input, whatever the pattern. A pattern from
 * a link or a form must never reach JavaScript's backtracking `RegExp`, where `(a+)+$` on a long
 * input can freeze a worker.
 */
import { RE2JS } from 're2js';

export interface Pattern {
  /** True when the pattern matches somewhere in `text` (a find, not a whole-string match). */
  test(text: string): boolean;
}

export type CompiledPattern = { ok: true; pattern: Pattern } | { ok: false; message: string };

const RE2_PREFIX = 'error parsing regexp: ';

export function compilePattern(source: string, caseInsensitive: boolean): CompiledPattern {
  try {
    const re = RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    return { ok: true, pattern: { test: (text) => re.test(text) } };
  } catch (error) {
    return { ok: false, message: describeSyntaxError(error) };
  }
}

function describeSyntaxError(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const detail = raw.startsWith(RE2_PREFIX) ? raw.slice(RE2_PREFIX.length) : raw;
  // The usual surprise: RE2 leaves out the features that need backtracking.
  const hint = /Perl syntax|escape sequence/.test(detail)
    ? ' (RE2 syntax has no lookahead, lookbehind or backreferences)'
    : '';
  return `is not a valid RE2 pattern: ${detail}${hint}`;
}
