/**
 * Patterns without google-re2: the exported scoring.py translates a pattern to Python's re
 * (to_python_re, run with re.ASCII). Property: on generated patterns (the task's words and RE2's
 * constructs: \b \B \w \W \d \D \s \S, classes, POSIX classes, groups, flags, repeats, anchors,
 * escapes, both case modes) and generated texts of the task's words (random case, and the
 * characters where re and RE2 could part: U+212A KELVIN SIGN, U+017F LONG S, digits, underscore,
 * punctuation, accented letters), re finds a match exactly where the lab's RE2 (re2js) does. The
 * only refusals are the bound on backtracking and the constructs re cannot express, each naming
 * the construct. Needs python3 (./python.ts).
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SCORING_PY } from '../../../src/core/export/trl/python/scoring';
import { compilePattern } from '../../../src/core/rubric/pattern';
import { TASKS } from '../../../src/core/task';
import { pythonProblem, SKIP_PYTHON } from './python';

const problem = pythonProblem();

/** Runs scoring.py's compile_pattern on each case: per case, matches per text, or the refusal. */
function runPython(cases: { pattern: string; ci: boolean; texts: string[] }[], maxText: number) {
  const program = `
import json, re, sys
src = json.loads(sys.stdin.readline())
cases = json.loads(sys.stdin.readline())
scope = {"__name__": "scoring"}
exec(compile(src, "scoring.py", "exec"), scope)
out = []
for case in cases:
    try:
        search = scope["compile_pattern"](case["pattern"], case["ci"], ${maxText})
        out.append([search(t) for t in case["texts"]])
    except scope["PatternFallbackRefused"] as error:
        out.append(str(error))
json.dump(out, sys.stdout)
`;
  const input = `${JSON.stringify(SCORING_PY)}\n${JSON.stringify(cases)}\n`;
  return JSON.parse(execFileSync('python3', ['-c', program], { input, maxBuffer: 64 << 20 }).toString()) as (
    boolean[] | string
  )[];
}

/** Characters where re's defaults and RE2 part, slipped into some words. */
const ODD = ['\u212a', '\u017f', '_', '7', '-', '.', '\u00e9', '\u00df', 'K', 'S', 'I'];

function patternArb(words: readonly string[]) {
  const word = fc.constantFrom(...words);
  const piece = fc.oneof(
    word,
    word.map((w) => w.slice(0, 1 + (w.length >> 1))),
    fc.constantFrom(
      '\\b',
      '\\B',
      '\\w',
      '\\W',
      '\\d',
      '\\D',
      '\\s',
      '\\S',
      '.',
      ' ',
      '[a-f]',
      '[^aeiou ]',
      '[[:alpha:]]',
      '[[:^lower:]]',
      '[\\w-]',
      '[^\\W\\d]',
      '[k-t]',
      '[K]',
      '\\x{6b}',
      '\\x73',
      '\\.',
      '\\Q.k\\E',
      '_',
      '^',
      '$',
      '\\A',
      '\\z',
      '(?i)',
      '(?-i)',
      '{,2}',
      '\u00e9',
    ),
  );
  // Mostly plain atoms, as rubric patterns are; every repeat form RE2 has.
  const repeat = fc.oneof(
    { weight: 6, arbitrary: fc.constant('') },
    {
      weight: 3,
      arbitrary: fc.constantFrom('*', '+', '?', '{2}', '{1,3}', '{0,}', '*?', '+?', '??', '{2,}'),
    },
  );
  const atom: fc.Arbitrary<string> = fc.letrec((tie) => ({
    atom: fc.oneof(
      { weight: 4, arbitrary: piece },
      {
        weight: 1,
        arbitrary: fc
          .tuple(fc.constantFrom('(', '(?:', '(?i:', '(?P<g>'), tie('alt') as fc.Arbitrary<string>)
          .map(([open, inner]) => `${open}${inner})`),
      },
    ),
    seq: fc
      .array(fc.tuple(tie('atom') as fc.Arbitrary<string>, repeat), { minLength: 1, maxLength: 4 })
      .map((parts) =>
        parts.map(([a, r]) => (a === '(?i)' || a === '(?-i)' || a === '^' ? a : a + r)).join(''),
      ),
    alt: fc
      .array(tie('seq') as fc.Arbitrary<string>, { minLength: 1, maxLength: 3 })
      .map((branches) => branches.join('|')),
  })).alt as fc.Arbitrary<string>;
  return atom;
}

function textArb(words: readonly string[]) {
  const cased = fc
    .tuple(fc.constantFrom(...words), fc.nat(5), fc.nat(9), fc.constantFrom(...ODD))
    .map(([w, c, o, odd]) => {
      const cw = c === 0 ? w.toUpperCase() : c === 1 ? w[0].toUpperCase() + w.slice(1) : w;
      if (o !== 0) return cw;
      const at = o % (cw.length + 1);
      return cw.slice(0, at) + odd + cw.slice(at);
    });
  return fc.array(cased, { minLength: 0, maxLength: 12 }).map((ws) => ws.join(' '));
}

describe.skipIf(SKIP_PYTHON && problem !== null)('rubric patterns on Python re (no google-re2)', () => {
  it.each(TASKS.map((t) => [t.id, t] as const))(
    'mean what they mean in RE2, on texts of %s',
    (_id, task) => {
      if (problem) throw new Error(problem);
      const words = task.vocabulary;
      const seed = TASKS.indexOf(task) + 25;
      const cases = fc
        .sample(
          fc.record({
            pattern: patternArb(words),
            ci: fc.boolean(),
            texts: fc.array(textArb(words), { minLength: 24, maxLength: 24 }),
          }),
          { seed, numRuns: 400 },
        )
        .filter((c) => compilePattern(c.pattern, c.ci).ok);
      // The task's own patterns too (its default rubric), on the same texts.
      const own = task.defaultRubric.criteria.flatMap((c) =>
        c.params.kind === 'regex'
          ? [{ pattern: c.params.pattern, ci: c.params.caseInsensitive ?? false }]
          : [],
      );
      own.forEach((o, k) => cases.push({ ...o, texts: cases[k % cases.length].texts }));
      const maxText = task.maxNew * (Math.max(...words.map((w) => w.length)) + 1) - 1;
      const out = runPython(cases, maxText);
      let refused = 0;
      cases.forEach((c, k) => {
        const got = out[k];
        if (typeof got === 'string') {
          refused++;
          // A refusal names what it refuses, quoted from the pattern or by construct.
          expect(got, c.pattern).toMatch(
            /cannot run on Python's re as in RE2: .*(ways|Unicode class|beyond ASCII)/,
          );
          return;
        }
        const re2 = compilePattern(c.pattern, c.ci);
        if (!re2.ok) throw new Error(re2.message);
        c.texts.forEach((text, n) => {
          if (got[n] !== re2.pattern.test(text))
            expect.fail(
              `pattern ${JSON.stringify(c.pattern)} (caseInsensitive ${c.ci}) on ${JSON.stringify(text)}: ` +
                `re ${got[n]}, RE2 ${!got[n]}`,
            );
        });
      });
      // The task's own patterns always run. The generated ones nest repeats far more than rubric
      // patterns do, so some are refused for time (a repeat of a part with several ways to match);
      // most still run, and each of those agreed with RE2 on every text.
      own.forEach((_, k) => expect(typeof out[cases.length - own.length + k]).not.toBe('string'));
      expect(cases.length - refused).toBeGreaterThan(200);
    },
    60_000,
  );

  it('refuses, naming the construct, what re cannot do as RE2 does', () => {
    if (problem) throw new Error(problem);
    const cases = [
      { pattern: '(a|ab)*c', ci: false },
      { pattern: '(a|b)*c', ci: false },
      { pattern: '.*.*.*x', ci: false },
      { pattern: '\\pL', ci: false },
      { pattern: '\u00e9t\u00e9', ci: true },
    ].map((c) => ({ ...c, texts: ['ab c'] }));
    const out = runPython(cases, 200);
    expect(out[0]).toMatch(/'\(a\|ab\)\*', a repeat of a part that can match in several ways/);
    expect(out[1]).toEqual([true]); // one alternative at most matches at each position: linear
    expect(out[2]).toMatch(
      /'\.\*\.\*\.\*x' can match at one position in about 8e\+06 ways on a 200-character text/,
    );
    expect(out[3]).toMatch(/the Unicode class '\\pL'/);
    expect(out[4]).toMatch(/the letter 'é' beyond ASCII under case-insensitive matching/);
  });
});
