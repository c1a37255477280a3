import { describe, expect, it } from 'vitest';
import { DialMergeError, mergeDialResults } from '../../../src/core/dial/merge';
import { parseDialResults, type DialResults } from '../../../src/core/dial/results';
import { dialFixture } from '../../fixtures/dial-results';

function fixture(): DialResults {
  const parsed = parseDialResults(dialFixture());
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.value;
}

/** The fixture split in two: its first two points in one file, the rest in another. */
function halves(): [DialResults, DialResults] {
  const whole = fixture();
  return [
    { ...whole, points: whole.points.slice(0, 2), machine: { ...whole.machine, minutes: 2, jobs: 1 } },
    { ...whole, points: whole.points.slice(2), machine: { ...whole.machine, minutes: 3, jobs: 1 } },
  ];
}

describe('mergeDialResults', () => {
  it('unites points and recomputes Holm over the merged family', () => {
    const [a, b] = halves();
    const merged = mergeDialResults([a, b]);
    expect(merged.points.map((p) => p.id)).toEqual(fixture().points.map((p) => p.id));
    expect(merged.machine.minutes).toBe(5);
    expect(merged.machine.jobs).toBe(2);
    // Holm over m tests multiplies the smallest p by m: with more tests in the family, a corrected
    // p can only grow, and each is at least its uncorrected p.
    const alone = mergeDialResults([a]);
    const pHolm = (r: DialResults, point: string) =>
      r.points.find((p) => p.id === point)!.sizes[0].gains.map((g) => g.pHolm ?? Number.NaN);
    const before = pHolm(alone, a.points[0].id);
    const after = pHolm(merged, a.points[0].id);
    after.forEach((p, i) => {
      if (Number.isNaN(p)) return;
      expect(p).toBeGreaterThanOrEqual(before[i] - 1e-15);
    });
    const raw = merged.points[0].sizes[0].gains;
    raw.forEach((g) => {
      if (g.p !== null && g.pHolm !== null) expect(g.pHolm).toBeGreaterThanOrEqual(g.p - 1e-15);
    });
    // The inputs are not changed.
    expect(pHolm(a, a.points[0].id)).toEqual(pHolm(halves()[0], a.points[0].id));
  });

  it('the merged file passes the schema', () => {
    const merged = mergeDialResults(halves());
    const reparsed = parseDialResults(JSON.parse(JSON.stringify(merged)));
    expect(reparsed.ok).toBe(true);
  });

  it('adds a size of a point that the other file has at another size', () => {
    const whole = fixture();
    const other = {
      ...whole,
      sizes: ['medium' as const],
      points: [{ ...whole.points[0], sizes: [{ ...whole.points[0].sizes[0], size: 'medium' as const }] }],
    };
    const merged = mergeDialResults([whole, other]);
    expect(merged.sizes).toEqual([...whole.sizes, 'medium']);
    expect(merged.points[0].sizes.map((s) => s.size)).toEqual([whole.points[0].sizes[0].size, 'medium']);
  });

  it('refuses files of different settings, and a point x size twice', () => {
    const [a, b] = halves();
    expect(() => mergeDialResults([a, { ...b, steps: b.steps + 1 }])).toThrow(DialMergeError);
    expect(() => mergeDialResults([a, { ...b, steps: b.steps + 1 }])).toThrow(/"steps"/);
    expect(() => mergeDialResults([a, a])).toThrow(/is in two files/);
    expect(() => mergeDialResults([])).toThrow(/nothing to merge/);
  });
});
