/**
 * Our Student-t: the quantiles against printed t tables (values to 6 decimals, e.g. any statistics
 * textbook's table of t_{p, df}), the closed forms at 1 and 2 degrees of freedom, and the
 * identities that tie the quantile to the tail on random inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  logGamma,
  regularisedBeta,
  tCdf,
  tQuantile,
  tTwoSided,
} from '../../../src/core/experiment/student-t';

describe('Student t quantile', () => {
  it('matches the printed table', () => {
    const table: [p: number, df: number, t: number][] = [
      [0.975, 1, 12.706205],
      [0.975, 2, 4.302653],
      [0.975, 3, 3.182446],
      [0.975, 4, 2.776445],
      [0.975, 5, 2.570582],
      [0.975, 10, 2.228139],
      [0.975, 30, 2.042272],
      [0.975, 100, 1.983972],
      [0.95, 4, 2.131847],
      [0.995, 4, 4.604095],
      [0.99, 9, 2.821438],
      [0.9, 20, 1.325341],
    ];
    for (const [p, df, t] of table) expect(tQuantile(p, df)).toBeCloseTo(t, 6);
    // Many degrees of freedom: the normal quantile 1.959964.
    expect(tQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });

  it('equals the closed forms at 1 degree of freedom (Cauchy) and 2', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), (p) => {
        expect(tQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8);
        expect(tQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 9);
      }),
    );
  });

  it('inverts the distribution function, antisymmetric about p = 1/2', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }),
        fc.double({ min: 0.5, max: 200, noNaN: true }),
        (p, df) => {
          const t = tQuantile(p, df);
          expect(tCdf(t, df)).toBeCloseTo(p, 10);
          // Relative: at 1/2 degree of freedom and p = 1e-6 the quantile is about -1e11.
          expect(Math.abs(tQuantile(1 - p, df) + t)).toBeLessThan(1e-8 * Math.max(1, Math.abs(t)));
        },
      ),
    );
  });

  it('narrows as the degrees of freedom grow', () => {
    const qs = [1, 2, 3, 4, 5, 8, 13, 40, 1000].map((df) => tQuantile(0.975, df));
    for (let i = 1; i < qs.length; i++) expect(qs[i]).toBeLessThan(qs[i - 1]);
  });

  it('refuses what has no quantile', () => {
    expect(() => tQuantile(0, 4)).toThrow(/p must be/);
    expect(() => tQuantile(1, 4)).toThrow(/p must be/);
    expect(() => tQuantile(0.5, 0)).toThrow(/degrees of freedom/);
    expect(tQuantile(0.5, 3)).toBe(0);
  });
});

describe('Student t tail and its parts', () => {
  it('gives the two-sided p-value, by hand at 1 and 2 degrees of freedom', () => {
    // df = 1: P(|T| >= 1) = 1 - (2 / pi) atan(1) = 1/2.
    expect(tTwoSided(1, 1)).toBeCloseTo(0.5, 12);
    // df = 2: P(|T| >= t) = 1 - t / sqrt(2 + t^2); t^2 = 12 gives 1 - sqrt(6/7).
    expect(tTwoSided(Math.sqrt(12), 2)).toBeCloseTo(1 - Math.sqrt(6 / 7), 12);
    expect(tTwoSided(0, 5)).toBe(1);
    expect(tTwoSided(Infinity, 5)).toBe(0);
    expect(tTwoSided(-2.776445105197795, 4)).toBeCloseTo(0.05, 10);
  });

  it('has ln Gamma and the incomplete beta right where they are known exactly', () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    fc.assert(
      // x away from 0 and 1: near them the rounding of 1 - x, not the function, limits the symmetry.
      fc.property(
        fc.double({ min: 1e-4, max: 1 - 1e-4, noNaN: true }),
        fc.double({ min: 0.2, max: 20, noNaN: true }),
        (x, a) => {
          // I_x(a, 1) = x^a, and I_x(a, b) = 1 - I_{1-x}(b, a).
          expect(regularisedBeta(a, 1, x)).toBeCloseTo(x ** a, 10);
          expect(regularisedBeta(a, 2.5, x)).toBeCloseTo(1 - regularisedBeta(2.5, a, 1 - x), 10);
        },
      ),
    );
  });
});
