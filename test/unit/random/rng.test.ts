import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Rng, randomStreams } from '../../../src/core/random';

const draws = (rng: Rng, n: number) => Array.from({ length: n }, () => rng.next());

describe('seeded random streams', () => {
  it('reproduces a stream from its seed and purpose', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), (seed) => {
        expect(draws(new Rng(seed, 'sampling'), 20)).toEqual(draws(new Rng(seed, 'sampling'), 20));
      }),
      { numRuns: 50 },
    );
  });

  it('gives different, uncorrelated streams per purpose and per seed', () => {
    const streams = randomStreams(42);
    const a = draws(streams.sampling, 2000);
    const b = draws(streams.judge, 2000);
    expect(a).not.toEqual(b);
    expect(draws(new Rng(43, 'sampling'), 10)).not.toEqual(a.slice(0, 10));
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ma = mean(a);
    const mb = mean(b);
    const cov = mean(a.map((x, i) => (x - ma) * (b[i] - mb)));
    expect(Math.abs(cov / (1 / 12))).toBeLessThan(0.1); // correlation near 0
  });

  it('draws uniforms in [0, 1) with the right mean and variance, and integers in range', () => {
    const rng = new Rng(7, 'test');
    const xs = draws(rng, 20000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(m).toBeCloseTo(0.5, 1);
    const counts = new Array(5).fill(0);
    for (let i = 0; i < 5000; i++) counts[rng.int(5)]++;
    for (const c of counts) expect(c).toBeGreaterThan(850);
  });

  it('resumes exactly from a saved state', () => {
    const rng = new Rng(3, 'prompts');
    draws(rng, 17);
    const state = rng.getState();
    const next = draws(rng, 10);
    const other = new Rng(999, 'x');
    other.setState(state);
    expect(draws(other, 10)).toEqual(next);
  });

  it('shuffles to a permutation and Gumbel noise has mean near the Euler-Mascheroni constant', () => {
    const rng = new Rng(5, 'test');
    const items = Array.from({ length: 30 }, (_, i) => i);
    expect(rng.shuffle(items).sort((a, b) => a - b)).toEqual(items);
    const g = rng.gumbelArray(20000);
    const mean = g.reduce((s, x) => s + x, 0) / g.length;
    expect(mean).toBeCloseTo(0.5772, 1);
  });

  it('gives the raw draws Gumbel noise is made from, and leaves the stream where gumbelArray would', () => {
    const a = new Rng(11, 'sampling');
    const b = new Rng(11, 'sampling');
    const noise = a.gumbelArray(500);
    const raw = b.uint32Array(500);
    // What the fused WebGPU sampler computes from each draw, here in double precision.
    raw.forEach((x, i) =>
      expect(Math.fround(-Math.log(-Math.log(x / 4294967296 + 1e-20) + 1e-20))).toBe(noise[i]),
    );
    expect(b.getState()).toEqual(a.getState());
  });
});
