import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import {
  generate,
  maxSentenceLength,
  terminalsOf,
  type Grammar,
  type GrammarWords,
} from '../../../src/core/task/grammar';

const classes = { noun: ['fox', 'owl'], adjective: ['red'] };
const words: GrammarWords = { classes, rhymesOf: (topic) => (topic === 'hare' ? ['bear', 'chair'] : []) };

const grammar: Grammar = {
  start: 'S',
  rules: {
    S: [
      ['NP runs', 3],
      ['NP sees NP', 1],
    ],
    NP: ['the $topic', 'a @adjective @noun', ''],
  },
};

describe('grammar', () => {
  it('expands rules, word classes, the topic and empty alternatives', () => {
    const rng = new Rng(1, 'grammar');
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) seen.add(generate(grammar, words, rng, 'hare').join(' '));
    expect(seen).toContain('the hare runs');
    expect(seen).toContain('runs');
    expect(seen).toContain('a red owl sees the hare');
    for (const s of seen)
      expect(s).toMatch(/^((the hare|a red (fox|owl)) )?(runs|sees( (the hare|a red (fox|owl)))?)$/);
  });

  it("draws $rhyme from the topic's rhymes and never lists it as a terminal", () => {
    const rhyming: Grammar = { start: 'S', rules: { S: ['the $topic sees the $rhyme'] } };
    const rng = new Rng(3, 'grammar');
    const ends = new Set<string>();
    for (let i = 0; i < 200; i++) ends.add(generate(rhyming, words, rng, 'hare').at(-1) ?? '');
    expect([...ends].sort()).toEqual(['bear', 'chair']);
    expect(terminalsOf(rhyming, classes).sort()).toEqual(['sees', 'the']);
    expect(() => generate(rhyming, words, rng, 'owl')).toThrow(/no word rhymes with the topic "owl"/);
  });

  it('honours alternative weights', () => {
    const rng = new Rng(2, 'grammar');
    let runs = 0;
    for (let i = 0; i < 4000; i++) if (generate(grammar, words, rng, 'hare').includes('runs')) runs++;
    expect(runs / 4000).toBeCloseTo(0.75, 1);
  });

  it('lists terminals and the longest sentence', () => {
    expect(terminalsOf(grammar, classes).sort()).toEqual(['a', 'fox', 'owl', 'red', 'runs', 'sees', 'the']);
    expect(maxSentenceLength(grammar)).toBe(7);
  });

  it('rejects recursion, unknown rules and unknown word classes', () => {
    expect(() => maxSentenceLength({ start: 'S', rules: { S: ['a S'] } })).toThrow(/recursive/);
    expect(() => generate({ start: 'S', rules: { S: ['X'] } }, words, new Rng(1), 't')).toThrow(
      /no rule "X"/,
    );
    expect(() => generate({ start: 'S', rules: { S: ['@verb'] } }, words, new Rng(1), 't')).toThrow(/verb/);
  });
});
