/**
 * The dial's easy criteria: the ones that fill a rubric up to its size and saturate quickly.
 * Candidates come from the task itself (its word classes and words, topic and no-repeat), are
 * measured on the dial's corpus, and are taken in a fixed order so that the rubric of K criteria
 * holds the one of K - 1: the `criteria` dial only adds criteria, it never swaps them.
 */
import type { CriterionParams } from '../rubric/schema';
import type { DecodedRollout } from '../rubric/types';
import type { Task } from '../task/types';
import { passRate, passVectors, phi } from './corpus';

export interface FillerCandidate {
  id: string;
  name: string;
  params: CriterionParams;
  /** Words it is about, and whether it asks for them or against them (contradictions are kept apart). */
  words: readonly string[];
  against: boolean;
  /** starts-with and ends-with: only one of each, since one sentence has one first and one last word. */
  position?: 'first' | 'last';
}

/** A measured candidate. */
export interface MeasuredFiller extends FillerCandidate {
  pass: Uint8Array;
  passRate: number;
  phiWithLagging: number;
}

/** Wanted range of corpus pass rates, the most wanted one, and the largest |phi| with the lagging criterion. */
export const FILLER_RATES = { low: 0.4, high: 0.9, centre: 0.7, maxPhi: 0.15 } as const;
/** Second try when the task has too few candidates in range (reported in the notes). */
export const RELAXED_RATES = { low: 0.25, high: 0.95, centre: 0.7, maxPhi: 0.3 } as const;
/** Largest |phi| between two fillers: near-duplicates add a criterion in name only. */
const MAX_PHI_BETWEEN = 0.5;

const slug = (word: string) =>
  word
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'w';

/** Every filler the task offers, its lagging words and topics left out of every word list. */
export function fillerCandidates(task: Task, excluded: ReadonlySet<string>): FillerCandidate[] {
  const out: FillerCandidate[] = [
    { id: 'topic', name: 'Mentions the topic', params: { kind: 'topic' }, words: [], against: false },
    { id: 'no-repeat', name: 'No repeated word', params: { kind: 'no-repeat' }, words: [], against: false },
  ];
  const add = (key: string, label: string, words: readonly string[]) => {
    if (words.length === 0) return;
    const list = [...words];
    out.push(
      {
        id: `uses-${key}`,
        name: `Uses ${label}`,
        params: { kind: 'includes', words: list, mode: 'any' },
        words,
        against: false,
      },
      {
        id: `avoids-${key}`,
        name: `Avoids ${label}`,
        params: { kind: 'avoids', words: list },
        words,
        against: true,
      },
      {
        id: `starts-${key}`,
        name: `Starts with ${label}`,
        params: { kind: 'starts-with', words: list },
        words,
        against: false,
        position: 'first',
      },
      {
        id: `ends-${key}`,
        name: `Ends with ${label}`,
        params: { kind: 'ends-with', words: list },
        words,
        against: false,
        position: 'last',
      },
    );
  };
  for (const [name, members] of Object.entries(task.lexicon.wordClasses))
    add(
      `${slug(name)}`.slice(0, 30),
      `a word of class ${name}`.slice(0, 48),
      members.filter((w) => !excluded.has(w)),
    );
  for (const word of task.vocabulary)
    if (!excluded.has(word)) add(`w-${slug(word)}`.slice(0, 30), `"${word}"`.slice(0, 48), [word]);
  // Ids stay unique when two words fold to one slug.
  const seen = new Map<string, number>();
  return out.map((c) => {
    const k = seen.get(c.id) ?? 0;
    seen.set(c.id, k + 1);
    return k === 0 ? c : { ...c, id: `${c.id}-${k}`.slice(0, 40) };
  });
}

export function measureFillers(
  task: Task,
  candidates: readonly FillerCandidate[],
  corpus: readonly DecodedRollout[],
  lagging: Uint8Array,
): MeasuredFiller[] {
  const passes = passVectors(
    task,
    candidates.map((c) => c.params),
    corpus,
  );
  return candidates.map((c, i) => ({
    ...c,
    pass: passes[i],
    passRate: passRate(passes[i]),
    phiWithLagging: phi(passes[i], lagging),
  }));
}

function contradicts(a: FillerCandidate, b: FillerCandidate): boolean {
  if (a.position !== undefined && a.position === b.position) return true;
  if (a.against === b.against) return false;
  return a.words.some((w) => b.words.includes(w));
}

/**
 * Up to `count` fillers in a fixed order: topic and no-repeat first when in range, then by
 * closeness of the pass rate to the centre (ties by id); each weakly correlated with the lagging
 * criterion, not contradicting an earlier one, and not a near-duplicate of one.
 */
export function chooseFillers(
  measured: readonly MeasuredFiller[],
  count: number,
  rates: { low: number; high: number; centre: number; maxPhi: number } = FILLER_RATES,
): MeasuredFiller[] {
  const fits = (c: MeasuredFiller) =>
    c.passRate >= rates.low &&
    c.passRate <= rates.high &&
    (Number.isNaN(c.phiWithLagging) || Math.abs(c.phiWithLagging) <= rates.maxPhi);
  // Topic and no-repeat belong in every rubric of the family (so the dial's points differ in their
  // setting, not in which fillers they hold): they take the relaxed correlation bound.
  const structural = (c: MeasuredFiller) =>
    c.passRate >= rates.low &&
    c.passRate <= rates.high &&
    (Number.isNaN(c.phiWithLagging) ||
      Math.abs(c.phiWithLagging) <= Math.max(rates.maxPhi, RELAXED_RATES.maxPhi));
  const first = measured.filter((c) => (c.id === 'topic' || c.id === 'no-repeat') && structural(c));
  const rest = measured
    .filter((c) => c.id !== 'topic' && c.id !== 'no-repeat' && fits(c))
    .sort(
      (a, b) =>
        Math.abs(a.passRate - rates.centre) - Math.abs(b.passRate - rates.centre) || a.id.localeCompare(b.id),
    );
  const chosen: MeasuredFiller[] = [];
  for (const c of [...first, ...rest]) {
    if (chosen.length === count) break;
    if (chosen.some((d) => contradicts(c, d))) continue;
    if (chosen.some((d) => Math.abs(phi(c.pass, d.pass)) > MAX_PHI_BETWEEN)) continue;
    chosen.push(c);
  }
  return chosen;
}
