import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import { checkRubric, rubricSchema } from '../../../src/core/rubric';
import { TASKS, TASK_IDS, getTask } from '../../../src/core/task';
import { maxSentenceLength, terminalsOf } from '../../../src/core/task/grammar';

describe('task registry', () => {
  it('has at least six tasks with unique ids', () => {
    expect(TASKS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(TASK_IDS).size).toBe(TASKS.length);
    for (const id of TASK_IDS) expect(getTask(id).id).toBe(id);
    expect(() => getTask('nope')).toThrow(/unknown task "nope"/);
  });

  it('covers the six kinds of imbalance', () => {
    const criteria = TASKS.map((t) => rubricSchema.parse(t.defaultRubric).criteria);
    // (c) a noisy judge
    expect(criteria.some((cs) => cs.some((c) => c.judge.fp >= 0.15 && c.judge.fn >= 0.15))).toBe(true);
    // (d) many criteria
    expect(criteria.some((cs) => cs.length >= 6)).toBe(true);
    // (e) heavily mis-weighted: a weight ratio of 20 or more
    expect(
      criteria.some(
        (cs) => Math.max(...cs.map((c) => c.weight)) >= 20 * Math.min(...cs.map((c) => c.weight)),
      ),
    ).toBe(true);
    // (f) a criterion met by degenerate output
    expect(
      criteria.some((cs) => cs.some((c) => c.params.kind === 'avoids' || c.params.kind === 'no-repeat')),
    ).toBe(true);
  });
});

describe.each(TASKS.map((t) => [t.id, t] as const))('task %s', (_id, task) => {
  const vocabulary = new Set(task.vocabulary);

  it('describes itself', () => {
    expect(task.id).toMatch(/^[a-z][a-z0-9-]*$/);
    for (const text of [task.name, task.summary, task.imbalance])
      expect(text.trim().length).toBeGreaterThan(0);
  });

  it('has a default rubric that parses and fits the lexicon', () => {
    const parsed = rubricSchema.safeParse(task.defaultRubric);
    expect(parsed.success, parsed.error?.message).toBe(true);
    const rubric = rubricSchema.parse(task.defaultRubric);
    expect(rubric.criteria.length).toBeGreaterThanOrEqual(3);
    expect(rubric.criteria.length).toBeLessThanOrEqual(8);
    expect(checkRubric(rubric, task.lexicon)).toEqual([]);
  });

  it('has a modest vocabulary without duplicates or special tokens', () => {
    expect(task.vocabulary.length).toBe(vocabulary.size);
    expect(task.vocabulary.length).toBeGreaterThanOrEqual(30);
    expect(task.vocabulary.length).toBeLessThanOrEqual(200);
    for (const w of task.vocabulary) expect(w).toMatch(/^[a-z]+$/);
  });

  it('has every word it can use in its vocabulary', () => {
    const used = [
      ...terminalsOf(task.grammar, task.lexicon.wordClasses),
      ...Object.values(task.lexicon.wordClasses).flat(),
      ...Object.keys(task.lexicon.rhymes),
    ];
    for (const c of rubricSchema.parse(task.defaultRubric).criteria)
      if ('words' in c.params) used.push(...c.params.words);
    for (const w of used) expect(vocabulary.has(w), `"${w}"`).toBe(true);

    const rng = new Rng(5, 'coverage');
    for (let i = 0; i < 1000; i++)
      for (const w of task.generateSentence(rng, rng.pick(task.topics.train)))
        expect(vocabulary.has(w), `"${w}"`).toBe(true);
  });

  it('has disjoint train and held-out topics from the vocabulary, each with a rhyme', () => {
    const { train, heldOut } = task.topics;
    expect(train.length).toBeGreaterThanOrEqual(4);
    expect(heldOut.length).toBeGreaterThanOrEqual(2);
    const all = [...train, ...heldOut];
    expect(new Set(all).size).toBe(all.length);
    for (const topic of all) {
      expect(vocabulary.has(topic)).toBe(true);
      const rhyme = task.lexicon.rhymes[topic];
      expect(rhyme, `rhyme class of "${topic}"`).toBeDefined();
      const partners = Object.entries(task.lexicon.rhymes).filter(([w, r]) => r === rhyme && w !== topic);
      expect(partners.length, `words rhyming with "${topic}"`).toBeGreaterThan(0);
    }
  });

  it("shares each held-out topic's rhyme class with a training topic where the rubric scores rhymes", () => {
    // RL rewards rhymes on training prompts only; a class no training topic is in is never
    // rewarded, and its held-out topics lose their rhymes under RL (docs/benchmarks.md, meadow).
    const scoresRhymes = task.defaultRubric.criteria.some((c) => c.params.kind === 'rhyme');
    if (!scoresRhymes) return;
    const { rhymes } = task.lexicon;
    const trained = new Set(task.topics.train.map((t) => rhymes[t]));
    for (const topic of task.topics.heldOut)
      expect(trained.has(rhymes[topic]), `a training topic rhyming with "${topic}"`).toBe(true);
  });

  it('uses a held-out topic word only as the topic of its own prompt', () => {
    // Held-out words met as wrong subjects under training prompts are what RL learns to avoid.
    const heldOut = new Set(task.topics.heldOut);
    const rng = new Rng(11, 'held-out words');
    for (let i = 0; i < 2000; i++) {
      const topic = rng.pick([...task.topics.train, ...task.topics.heldOut]);
      for (const w of task.generateSentence(rng, topic))
        if (heldOut.has(w)) expect(w, `a sentence about "${topic}"`).toBe(topic);
    }
    // The grammar draws from the lexicon's classes less the held-out words; the lexicon, which
    // rubric criteria read, keeps them.
    for (const [name, members] of Object.entries(task.lexicon.wordClasses))
      expect(task.grammarWords.classes[name]).toEqual(members.filter((w) => !heldOut.has(w)));
  });

  it('generates sentences that fit maxNew and mention the topic sometimes', () => {
    expect(maxSentenceLength(task.grammar)).toBeLessThanOrEqual(task.maxNew - 1);
    const rng = new Rng(9, 'sentences');
    let mentions = 0;
    for (let i = 0; i < 500; i++) {
      const topic = rng.pick(task.topics.train);
      const words = task.generateSentence(rng, topic);
      expect(words.length).toBeGreaterThan(0);
      expect(words.length).toBeLessThanOrEqual(task.maxNew - 1);
      if (words.includes(topic)) mentions++;
    }
    expect(mentions).toBeGreaterThan(0);
    expect(mentions).toBeLessThan(500);
  });
});
