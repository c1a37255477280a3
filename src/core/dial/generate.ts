/**
 * A dial point's rubric over an existing task, so that the zoo's base policies are reused: one
 * lagging criterion (includes any of a word set whose corpus pass rate is as close as possible to
 * the point's base rate), a length cap that costs it (the conflict dial), and easy fillers up to
 * the point's number of criteria, with the lagging criterion holding the point's weight share.
 * Deterministic: everything is measured on the dial's own fixed-seed corpus (corpus.ts).
 */
import type { RubricInput } from '../rubric/schema';
import type { Task } from '../task/types';
import {
  conditionalRate,
  dialCorpus,
  DIAL_CORPUS_SEED,
  DIAL_CORPUS_SIZE,
  passRate,
  passVector,
  phi,
} from './corpus';
import { chooseFillers, fillerCandidates, measureFillers, RELAXED_RATES } from './fillers';
import type { Conflict, DialMeasured, DialSetting } from './results';

export const LAGGING_ID = 'lagging';
export const CAP_ID = 'cap';
/** Target of P(cap passes | lagging passes) per conflict; none is a cap every output meets. */
export const CAP_TARGETS: Record<Conflict, number | null> = { none: null, mild: 0.5, strong: 0.15 };
/**
 * The cap stays a criterion most outputs meet: below `CAP_PASS_LOW` of the corpus it would be a
 * hard criterion itself rather than a cost on the lagging one (chooseCap keeps above it), and
 * below `CAP_PASS_EASY` the notes say so. The tasks' single words are only weakly tied to length,
 * so a strong conflict needs a tighter cap than a mild one.
 */
const CAP_PASS_LOW = 0.35;
const CAP_PASS_EASY = 0.6;

export interface DialRubric {
  rubric: RubricInput;
  lagging: string;
  measured: DialMeasured;
}

export interface DialRubricOptions {
  corpusSize?: number;
  seed?: number;
}

const fmt = (x: number) => x.toFixed(3);

/** A word set may overshoot the target by this share; more, and the next word is left out. */
const OVERSHOOT = 0.1;
/** The long-sentence set is kept when within this relative error of the target; else the closer set. */
const LONG_FIRST_TOLERANCE = 0.1;

/** Pass-rate differences below this count as ties in the search by closeness. */
const NEAR_TIE = 0.003;

type Holders = { word: string; list: number[]; length: number }[];

/** Words in decreasing mean length of the sentences holding them (ties by word), topics left out. */
function holdersOf(task: Task, sentences: readonly (readonly string[])[]): Holders {
  const topics = new Set([...task.topics.train, ...task.topics.heldOut]);
  const holders = new Map<string, number[]>();
  sentences.forEach((words, n) => {
    for (const w of new Set(words)) {
      if (topics.has(w)) continue;
      const list = holders.get(w);
      if (list) list.push(n);
      else holders.set(w, [n]);
    }
  });
  const meanLength = (list: readonly number[]) =>
    list.reduce((a, n) => a + sentences[n].length, 0) / list.length;
  return [...holders.entries()]
    .map(([word, list]) => ({ word, list, length: meanLength(list) }))
    .sort((a, b) => b.length - a.length || (a.word < b.word ? -1 : a.word > b.word ? 1 : 0));
}

/** Long-sentence words first, each added while the set's rate stays at most 10% above the target. */
function longFirst(order: Holders, total: number, target: number): { words: string[]; rate: number } {
  const pass = new Uint8Array(total);
  let count = 0;
  const words: string[] = [];
  for (const { word, list } of order) {
    if (count / total >= target) break;
    const added = list.reduce((a, n) => a + (pass[n] ? 0 : 1), 0);
    if ((count + added) / total > target * (1 + OVERSHOOT)) continue;
    for (const n of list) pass[n] = 1;
    count += added;
    words.push(word);
  }
  return { words, rate: count / total };
}

/**
 * Greedy by closeness: the word that brings the rate closest to the target, then more while they
 * bring it closer.
 */
function closest(order: Holders, total: number, target: number): { words: string[]; rate: number } {
  const pass = new Uint8Array(total);
  let count = 0;
  const words: string[] = [];
  for (;;) {
    let best: { word: string; list: number[]; added: number } | undefined;
    // The first word is always taken: an empty set passes nothing, a criterion no output meets.
    let bestDistance = words.length === 0 ? Infinity : Math.abs(count / total - target);
    for (const { word, list } of order) {
      if (words.includes(word)) continue;
      const added = list.reduce((a, n) => a + (pass[n] ? 0 : 1), 0);
      const distance = Math.abs((count + added) / total - target);
      // Words come longest sentences first: a later word replaces an earlier one only when clearly
      // closer, so that near-ties keep the word a length cap can cost.
      if (distance < bestDistance - (best ? NEAR_TIE : 1e-12))
        [best, bestDistance] = [{ word, list, added }, distance];
    }
    if (!best) return { words, rate: count / total };
    for (const n of best.list) pass[n] = 1;
    count += best.added;
    words.push(best.word);
  }
}

/**
 * The lagging word set, from every word the corpus contains (topics left out). Preferred: words of
 * long sentences first (so that a length cap can cost the criterion, the conflict dial, with the
 * same word set at every conflict), kept when its rate is within 10% of the target; otherwise the
 * set closer to the target of that one and a greedy search by closeness.
 */
export function laggingWords(
  task: Task,
  sentences: readonly (readonly string[])[],
  target: number,
): string[] {
  const order = holdersOf(task, sentences);
  const total = sentences.length;
  const long = longFirst(order, total, target);
  const error = (rate: number) => Math.abs(rate - target) / target;
  if (long.words.length > 0 && error(long.rate) <= LONG_FIRST_TOLERANCE) return long.words;
  const near = closest(order, total, target);
  return long.words.length > 0 && error(long.rate) <= error(near.rate) ? long.words : near.words;
}

function listName(words: readonly string[]): string {
  const quoted = words.map((w) => `"${w}"`);
  const full = `Uses ${quoted.length === 1 ? quoted[0] : `one of ${quoted.join(', ')}`}`;
  return full.length <= 60 ? full : `Uses one of ${words.length} rare words`;
}

/**
 * The cap's `max`: among caps that pass at least 0.35 of the corpus (all, if none does), P(cap |
 * lagging) closest to the target, ties to the larger P(cap).
 */
function chooseCap(
  lengths: readonly number[],
  lagging: Uint8Array,
  target: number,
  maxNew: number,
): { max: number; pass: number; given: number } {
  let best = { max: maxNew, pass: 1, given: 1, distance: Infinity };
  const caps = Array.from({ length: maxNew }, (_, i) => {
    const capPass = Uint8Array.from(lengths, (n) => (n <= i + 1 ? 1 : 0));
    return { max: i + 1, pass: passRate(capPass), given: conditionalRate(capPass, lagging) };
  });
  // A cap most outputs meet, so that it costs the lagging criterion rather than being hard itself.
  const easy = caps.filter((c) => c.pass >= CAP_PASS_LOW);
  for (const { max, pass, given } of easy.length > 0 ? easy : caps) {
    const distance = Math.abs(given - target);
    if (distance < best.distance - 1e-12 || (Math.abs(distance - best.distance) <= 1e-12 && pass > best.pass))
      best = { max, pass, given, distance };
  }
  return best;
}

/** A point's rubric; `given` is its setting, or a point of `dialPoints()` (its setting is used). */
export function dialRubric(
  task: Task,
  given: DialSetting | { setting: DialSetting },
  opts: DialRubricOptions = {},
): DialRubric {
  const point = 'setting' in given ? given.setting : given;
  const corpusSize = opts.corpusSize ?? DIAL_CORPUS_SIZE;
  const corpus = dialCorpus(task, corpusSize, opts.seed ?? DIAL_CORPUS_SEED);
  const notes: string[] = [];

  const words = laggingWords(
    task,
    corpus.map((d) => d.words),
    point.baseRate,
  );
  if (words.length === 0)
    throw new Error(`dial: task ${task.id} has no word to build a lagging criterion from`);
  const laggingParams = { kind: 'includes' as const, words, mode: 'any' as const };
  // Measured again through the lab's own scorer: the rate reported is the rate the rubric has.
  const lagPass = passVector(task, laggingParams, corpus);
  const laggingRate = passRate(lagPass);
  if (Math.abs(laggingRate - point.baseRate) > 0.2 * point.baseRate)
    notes.push(`base rate: asked ${fmt(point.baseRate)}, the closest word set gives ${fmt(laggingRate)}`);

  const target = CAP_TARGETS[point.conflict];
  const lengths = corpus.map((d) => d.words.length);
  // `none`: a cap every output meets (no output is longer than maxNew words), so that every point
  // has the same criteria and only the cap's bound moves along the conflict dial.
  const cap =
    target === null
      ? { max: task.maxNew, pass: 1, given: 1 }
      : chooseCap(lengths, lagPass, target, task.maxNew);
  const capParams = { kind: 'length' as const, min: 0, max: cap.max, tolerance: 1 };
  const capPass = passVector(task, capParams, corpus);
  const capRate = passRate(capPass);
  const capGiven = conditionalRate(capPass, lagPass);
  if (target !== null && Math.abs(capGiven - target) > 0.1)
    notes.push(
      `conflict ${point.conflict}: asked P(cap | lagging) ${fmt(target)}, the closest cap (max ${cap.max} words) gives ${fmt(capGiven)}`,
    );
  if (target !== null && capRate < CAP_PASS_EASY)
    notes.push(
      `conflict ${point.conflict}: the cap (max ${cap.max} words) passes only ${fmt(capRate)} of the corpus`,
    );

  const fillerCount = point.criteria - 2;
  const excluded = new Set([...task.topics.train, ...task.topics.heldOut, ...words]);
  const measured = measureFillers(task, fillerCandidates(task, excluded), corpus, lagPass);
  let fillers = chooseFillers(measured, fillerCount);
  if (fillers.length < fillerCount) {
    fillers = chooseFillers(measured, fillerCount, RELAXED_RATES);
    notes.push(
      `fillers: fewer than ${fillerCount} with pass rate 0.4-0.9 and |phi| <= 0.15; took them from 0.25-0.95 and |phi| <= 0.3`,
    );
  }
  if (fillers.length < fillerCount)
    throw new Error(
      `dial: task ${task.id} offers only ${fillers.length + 2} distinct criteria, ${point.criteria} asked`,
    );

  // Every other criterion weighs 1; the lagging one holds `weightShare` of the total.
  const others = point.criteria - 1;
  const laggingWeight = (point.weightShare * others) / (1 - point.weightShare);
  const rubric: RubricInput = {
    criteria: [
      { id: LAGGING_ID, name: listName(words), params: laggingParams, weight: laggingWeight },
      {
        id: CAP_ID,
        name: target === null ? `At most ${cap.max} words (every output)` : `At most ${cap.max} words`,
        params: capParams,
        weight: 1,
      },
      ...fillers.map((f) => ({ id: f.id, name: f.name, params: f.params, weight: 1 })),
    ],
  };
  const nan = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    rubric,
    lagging: LAGGING_ID,
    measured: {
      corpusSize,
      laggingRate,
      cap: {
        max: cap.max,
        target,
        pass: capRate,
        passGivenLagging: nan(capGiven),
        phi: nan(phi(capPass, lagPass)),
      },
      criteria: [
        { id: LAGGING_ID, kind: 'includes', passRate: laggingRate, phiWithLagging: 1 },
        { id: CAP_ID, kind: 'length', passRate: capRate, phiWithLagging: nan(phi(capPass, lagPass)) },
        ...fillers.map((f) => ({
          id: f.id,
          kind: f.params.kind,
          passRate: f.passRate,
          phiWithLagging: nan(f.phiWithLagging),
        })),
      ],
      weightShare: laggingWeight / (laggingWeight + others),
      notes,
    },
  };
}
