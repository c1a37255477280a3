import { describe, expect, it } from 'vitest';
import { stepWindows } from '../../../src/core/records/windows';
import type { MetricRecord } from '../../../src/core/records/types';

/** A record with only the fields the windows read (the rest are not looked at). */
const rec = (step: number, means: number[], weights: number[]) =>
  ({ step, criterionMeans: means, effectiveWeights: weights }) as unknown as MetricRecord;

describe('stepWindows', () => {
  it('averages each criterion over the steps of a window and over the runs, by hand', () => {
    const a = { metrics: [rec(1, [0, 1], [0.5, 0.5]), rec(2, [1, 1], [0.25, 0.75]), rec(3, [1, 0], [1, 0])] };
    const b = { metrics: [rec(1, [0.5, 0.5], [0.5, 0.5]), rec(2, [0.5, 1], [0.5, 0.5])] };
    const windows = stepWindows([a, b], 2, 2);
    expect(windows.map((w) => w.lastStep)).toEqual([2, 3]);
    // Steps 1-2: four records, (0 + 1 + 0.5 + 0.5) / 4 and (1 + 1 + 0.5 + 1) / 4.
    expect(windows[0].criterionMeans).toEqual([0.5, 0.875]);
    expect(windows[0].effectiveWeights).toEqual([0.4375, 0.5625]);
    // Step 3: run a only (b stopped at 2).
    expect(windows[1].criterionMeans).toEqual([1, 0]);
    expect(windows[1].effectiveWeights).toEqual([1, 0]);
  });

  it('skips a switched-off criterion (NaN) instead of letting it poison the mean', () => {
    const run = { metrics: [rec(1, [NaN, 0.25], [NaN, 1]), rec(2, [NaN, 0.75], [NaN, 1])] };
    const [w] = stepWindows([run], 2, 10);
    expect(w.lastStep).toBe(2);
    expect(w.criterionMeans[0]).toBeNaN();
    expect(w.criterionMeans[1]).toBe(0.5);
  });

  it('pools every step once: one window of the whole run equals the plain mean', () => {
    const metrics = Array.from({ length: 37 }, (_, i) => rec(i + 1, [Math.sin(i) ** 2], [1]));
    const [whole] = stepWindows([{ metrics }], 1, 1000);
    const plain = metrics.reduce((s, m) => s + m.criterionMeans[0], 0) / metrics.length;
    expect(whole.criterionMeans[0]).toBeCloseTo(plain, 12);
    expect(stepWindows([{ metrics }], 1, 10).map((w) => w.lastStep)).toEqual([10, 20, 30, 37]);
  });

  it('refuses a window that is not a whole number of steps', () => {
    expect(() => stepWindows([], 1, 0)).toThrow(/window size/);
    expect(() => stepWindows([], 1, 2.5)).toThrow(/window size/);
    expect(stepWindows([], 1, 5)).toEqual([]);
  });
});
