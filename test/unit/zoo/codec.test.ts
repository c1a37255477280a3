/** float16 conversion, hand-checked values, and the grammar's sentence probabilities. */
import { describe, expect, it } from 'vitest';
import { decodeWeights, encodeWeights, fromHalf, toHalf } from '../../../src/core/zoo/codec';
import { sentenceProbability } from '../../../src/core/zoo/entropy';
import type { Grammar } from '../../../src/core/task';

describe('float16', () => {
  it('converts known values exactly', () => {
    const cases: [number, number][] = [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff], // largest finite half
      [2 ** -24, 0x0001], // smallest subnormal
      [1 / 3, 0x3555],
      [Infinity, 0x7c00],
    ];
    for (const [value, bits] of cases) {
      expect(toHalf(value), String(value)).toBe(bits);
      expect(fromHalf(bits)).toBeCloseTo(value, 3);
    }
    expect(toHalf(1e6)).toBe(0x7c00); // overflow saturates
    expect(Number.isNaN(fromHalf(toHalf(Number.NaN)))).toBe(true);
  });

  it('rounds to nearest within half a unit in the last place', () => {
    for (const x of [0.1, -0.0123, 3.14159, 0.02, -7.5e-5]) {
      const back = fromHalf(toHalf(x));
      const exponent = Math.max(Math.floor(Math.log2(Math.abs(x))), -14);
      expect(Math.abs(back - x)).toBeLessThanOrEqual(2 ** (exponent - 11) + 1e-12);
    }
  });

  it('round-trips named weights and refuses a wrong length', () => {
    const weights = [
      { name: 'a', shape: [2, 2], values: Float32Array.from([1, -0.5, 0.25, 2]) },
      { name: 'b', shape: [1], values: Float32Array.from([3]) },
    ];
    const { bytes, layout } = encodeWeights(weights);
    expect(bytes.length).toBe(10);
    expect(decodeWeights(bytes, layout)).toEqual(weights);
    expect(() => decodeWeights(bytes.subarray(2), layout)).toThrow(/bytes/);
  });
});

describe('sentence probability', () => {
  const grammar: Grammar = {
    start: 'S',
    rules: {
      S: [
        ['the $topic X', 3],
        ['the @noun X', 1],
      ],
      X: ['runs', ['', 1]],
    },
  };
  const words = {
    classes: { noun: ['fox', 'owl'] },
    rhymesOf: (t: string) => (t === 'fox' ? ['box', 'ox'] : []),
  };

  it('sums over every derivation of the same words', () => {
    // "the fox runs" for topic fox: 3/4 * 1/2 (topic, then runs) + 1/4 * 1/2 * 1/2 (noun fox, runs).
    expect(sentenceProbability(grammar, words, ['the', 'fox', 'runs'], 'fox')).toBeCloseTo(
      3 / 8 + 1 / 16,
      12,
    );
    // For topic owl, "the fox" comes only from the noun class, with an empty X.
    expect(sentenceProbability(grammar, words, ['the', 'fox'], 'owl')).toBeCloseTo(1 / 16, 12);
    expect(sentenceProbability(grammar, words, ['a', 'fox'], 'owl')).toBe(0);
  });

  it("gives $rhyme a uniform draw over the topic's rhymes", () => {
    const rhyming: Grammar = {
      start: 'S',
      rules: {
        S: [
          ['the $topic sees the $rhyme', 1],
          ['the @noun', 3],
        ],
      },
    };
    // 1/4 * 1/2: the first alternative, then "box" of the topic fox's two rhymes.
    expect(sentenceProbability(rhyming, words, ['the', 'fox', 'sees', 'the', 'box'], 'fox')).toBeCloseTo(
      1 / 8,
      12,
    );
    expect(sentenceProbability(rhyming, words, ['the', 'fox', 'sees', 'the', 'fox'], 'fox')).toBe(0);
  });
});
