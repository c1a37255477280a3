import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/random/rng';
import {
  PROMPT_LENGTH,
  SPECIAL,
  TASKS,
  buildCorpus,
  decodeRollout,
  encodePrompt,
  sequenceLength,
  tokenOf,
  vocabularyOf,
} from '../../../src/core/task';

const P = PROMPT_LENGTH;

describe.each(TASKS.map((t) => [t.id, t] as const))('tokenizer: %s', (_id, task) => {
  const V = vocabularyOf(task).length;

  it('puts the specials first, then the words', () => {
    const vocabulary = vocabularyOf(task);
    expect(vocabulary.slice(0, 4)).toEqual(['<pad>', '<bos>', '<sep>', '<eos>']);
    expect(SPECIAL).toEqual({ pad: 0, bos: 1, sep: 2, eos: 3 });
    expect(vocabulary.slice(4)).toEqual(task.vocabulary);
    expect(tokenOf(task, task.vocabulary[0])).toBe(4);
    expect(() => tokenOf(task, 'zzz-not-a-word')).toThrow();
    expect(() => tokenOf(task, '<eos>')).toThrow();
  });

  it('encodes a prompt as [bos, topic, sep]', () => {
    const topic = task.topics.heldOut[0];
    expect(Array.from(encodePrompt(task, topic))).toEqual([
      SPECIAL.bos,
      4 + task.vocabulary.indexOf(topic),
      SPECIAL.sep,
    ]);
  });

  it('round-trips a sentence through encode and decode', () => {
    const rng = new Rng(3, 'roundtrip');
    for (const topic of [...task.topics.train, ...task.topics.heldOut]) {
      const words = task.generateSentence(rng, topic);
      const tokens = [
        ...encodePrompt(task, topic),
        ...words.map((w) => tokenOf(task, w)),
        SPECIAL.eos,
        SPECIAL.pad,
      ];
      expect(decodeRollout(task, tokens, P)).toEqual({ words, text: words.join(' ') });
    }
  });

  it('decodes up to the first eos, dropping pads and stray specials', () => {
    const [a, b, c] = task.vocabulary.map((w) => tokenOf(task, w));
    const tokens = [SPECIAL.bos, a, SPECIAL.sep, b, SPECIAL.pad, c, SPECIAL.sep, a, SPECIAL.eos, b, c];
    expect(decodeRollout(task, tokens, P).words).toEqual([
      task.vocabulary[1],
      task.vocabulary[2],
      task.vocabulary[0],
    ]);
    expect(decodeRollout(task, [SPECIAL.bos, a, SPECIAL.sep, SPECIAL.eos, b], P)).toEqual({
      words: [],
      text: '',
    });
    expect(() => decodeRollout(task, [SPECIAL.bos, a, SPECIAL.sep, V], P)).toThrow(/outside/);
  });

  it('builds a well-formed corpus, deterministic per seed', () => {
    const count = 500;
    const width = sequenceLength(task);
    expect(width).toBe(P + task.maxNew);
    const corpus = buildCorpus(task, new Rng(11, 'corpus'), count);
    expect(corpus).toBeInstanceOf(Int32Array);
    expect(corpus.length).toBe(count * width);
    expect(buildCorpus(task, new Rng(11, 'corpus'), count)).toEqual(corpus);
    expect(buildCorpus(task, new Rng(12, 'corpus'), count)).not.toEqual(corpus);

    const topicIds = new Set([...task.topics.train, ...task.topics.heldOut].map((t) => tokenOf(task, t)));
    for (let row = 0; row < count; row++) {
      const seq = corpus.subarray(row * width, (row + 1) * width);
      expect(seq[0]).toBe(SPECIAL.bos);
      expect(topicIds.has(seq[1])).toBe(true);
      expect(seq[2]).toBe(SPECIAL.sep);
      const eos = seq.indexOf(SPECIAL.eos, P);
      expect(eos).toBeGreaterThan(P); // at least one word
      expect(eos - P + 1).toBeLessThanOrEqual(task.maxNew);
      for (let i = P; i < eos; i++) expect(seq[i]).toBeGreaterThanOrEqual(4);
      for (let i = eos + 1; i < width; i++) expect(seq[i]).toBe(SPECIAL.pad);
      for (const id of seq) expect(id).toBeLessThan(V);
    }
  });
});
