/**
 * Criteria that can never be met (or never fail) because they name what the task's language
 * cannot say: a listed word that is not in the task's vocabulary, or a pattern whose every match
 * would need text no sentence of the task contains. An output is the task's words joined by single
 * spaces, so both are decidable: a word list exactly; a pattern when it is plain text, anchors and
 * alternatives (anything else — classes, repetition — is accepted unchecked). Each problem names
 * the closest words the task has.
 */
import type { Rubric } from '../rubric/schema';
import { foldWord } from '../rubric/words';
import type { Task } from '../task/types';
import type { Problem } from '../validation';

/** Levenshtein distance, for suggestions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(
        previous[j] + 1,
        current[j - 1] + 1,
        previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    previous = current;
  }
  return previous[b.length];
}

/** The `count` vocabulary words nearest to `word` by edit distance (ties in vocabulary order). */
export function closestWords(word: string, vocabulary: readonly string[], count = 3): string[] {
  const target = foldWord(word);
  return vocabulary
    .map((w, i) => ({ w, i, d: editDistance(target, foldWord(w)) }))
    .sort((x, y) => x.d - y.d || x.i - y.i)
    .slice(0, count)
    .map((x) => x.w);
}

const closest = (word: string, task: Task): string =>
  `closest words of the task: ${closestWords(word, task.vocabulary).join(', ')}`;

/**
 * Whether `literal` occurs somewhere in some output of the task: a run of the task's words joined by
 * single spaces. Simulates every position in such a text at once (inside a word at an offset, or
 * on the space between two words).
 */
export function occursInOutputs(
  literal: string,
  vocabulary: readonly string[],
  caseInsensitive: boolean,
): boolean {
  const fold = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  const words = vocabulary.map(fold);
  const text = fold(literal);
  // Positions: `word * stride + offset` inside a word (about to read word[offset]); SPACE between words.
  const stride = Math.max(1, ...words.map((w) => w.length)) + 1;
  const SPACE = -1;
  let positions = new Set<number>([SPACE]);
  words.forEach((w, i) => {
    for (let o = 0; o < w.length; o++) positions.add(i * stride + o);
  });
  for (const ch of text) {
    const next = new Set<number>();
    for (const p of positions) {
      if (p === SPACE) {
        if (ch !== ' ') continue;
        words.forEach((w, i) => w.length > 0 && next.add(i * stride));
        continue;
      }
      const i = Math.floor(p / stride);
      const o = p % stride;
      if (words[i][o] !== ch) continue;
      next.add(o + 1 === words[i].length ? SPACE : p + 1);
    }
    if (next.size === 0) return false;
    positions = next;
  }
  return true;
}

/** At most this many literal strings are expanded from one pattern. */
const MAX_EXPANSIONS = 256;
const ZERO_WIDTH_ESCAPES = new Set(['b', 'B', 'A', 'z']);

/**
 * The literal strings one of which every match of `pattern` contains: the pattern read as plain
 * text with groups and alternatives, anchors dropped (dropping a constraint keeps this sound).
 * `undefined` when the pattern uses anything else (classes, repetition, flags) or expands too far.
 */
export function requiredLiterals(pattern: string): string[] | undefined {
  let at = 0;
  const product = (a: string[], b: string[]): string[] | undefined =>
    a.length * b.length > MAX_EXPANSIONS ? undefined : a.flatMap((x) => b.map((y) => x + y));

  function alternatives(): string[] | undefined {
    const out: string[] = [];
    for (;;) {
      const seq = sequence();
      if (seq === undefined) return undefined;
      out.push(...seq);
      if (out.length > MAX_EXPANSIONS) return undefined;
      if (pattern[at] !== '|') return out;
      at++;
    }
  }

  function sequence(): string[] | undefined {
    let acc: string[] | undefined = [''];
    while (at < pattern.length && pattern[at] !== '|' && pattern[at] !== ')') {
      const ch = pattern[at];
      let piece: string[] | undefined;
      if (ch === '(') {
        at++;
        if (pattern.startsWith('?:', at)) at += 2;
        else if (pattern[at] === '?') {
          // A named group reads like a plain one; inline flags change matching, so give up.
          const named = /^\?P?<[A-Za-z_][A-Za-z0-9_]*>/.exec(pattern.slice(at));
          if (!named) return undefined;
          at += named[0].length;
        }
        piece = alternatives();
        if (piece === undefined || pattern[at] !== ')') return undefined;
        at++;
      } else if (ch === '^' || ch === '$') {
        at++;
        piece = [''];
      } else if (ch === '\\') {
        const next = pattern[at + 1];
        if (next === undefined) return undefined;
        at += 2;
        if (ZERO_WIDTH_ESCAPES.has(next)) piece = [''];
        else if (/[A-Za-z0-9]/.test(next)) return undefined;
        else piece = [next];
      } else if ('.[]*+?{}'.includes(ch)) return undefined;
      else {
        at++;
        piece = [ch];
      }
      // A quantifier after the piece makes it optional or repeated: not plain text.
      if (at < pattern.length && '*+?{'.includes(pattern[at])) return undefined;
      acc = product(acc, piece);
      if (acc === undefined) return undefined;
    }
    return acc;
  }

  const literals = alternatives();
  return literals !== undefined && at === pattern.length ? literals : undefined;
}

/** The longest space-free piece of `literal`, the one to suggest words for. */
function longestPiece(literal: string): string {
  return literal.split(' ').reduce((a, b) => (b.length > a.length ? b : a), '');
}

/**
 * Problems of every criterion of `rubric` (enabled or not: a file means what it says) whose words
 * or pattern the task can never produce. `prefix` is prepended to each path (e.g. `rubric.` or
 * `variants.2.overrides.rubric.`).
 */
export function vocabularyProblems(rubric: Rubric, task: Task, prefix: string): Problem[] {
  const known = new Set(task.vocabulary.map(foldWord));
  const problems: Problem[] = [];
  rubric.criteria.forEach((criterion, i) => {
    const who = `criterion "${criterion.id}"`;
    const at = `${prefix}criteria.${i}.params`;
    const params = criterion.params;
    switch (params.kind) {
      case 'includes':
      case 'avoids':
      case 'starts-with':
      case 'ends-with':
        params.words.forEach((word, j) => {
          if (known.has(foldWord(word))) return;
          problems.push({
            path: `${at}.words.${j}`,
            message:
              `${who}: "${word}" is not a word of task "${task.id}", so no output can contain it ` +
              `(${params.kind} would ${params.kind === 'avoids' ? 'always pass' : 'never pass'} on it); ${closest(word, task)}`,
          });
        });
        break;
      case 'regex': {
        const literals = requiredLiterals(params.pattern);
        if (literals === undefined || literals.some((l) => l === '')) break;
        if (literals.some((l) => occursInOutputs(l, task.vocabulary, params.caseInsensitive))) break;
        const piece = longestPiece(literals[0]);
        const caseOnly =
          !params.caseInsensitive && literals.some((l) => occursInOutputs(l, task.vocabulary, true));
        problems.push({
          path: `${at}.pattern`,
          message:
            `${who}: pattern "${params.pattern}" can never match an output of task "${task.id}": ` +
            (caseOnly
              ? 'the task\'s words are lower-case and the pattern is case-sensitive (set "caseInsensitive": true)'
              : `no sentence of its words contains ${literals
                  .slice(0, 3)
                  .map((l) => `"${l}"`)
                  .join(' or ')}${literals.length > 3 ? ' or the others' : ''}; ${closest(piece, task)}`),
        });
        break;
      }
      default:
        break;
    }
  });
  return problems;
}
