/**
 * The comparison tables from run records, without training: one table per task x size (a paired
 * comparison across cells would pair unrelated runs), and the step windows of chosen variants.
 */
import { describe, expect, it } from 'vitest';
import {
  chooseVariants,
  formatComparisons,
  formatCriterionFinals,
  formatTests,
  formatWindows,
} from '../../../src/cli/compare-tables';
import { printable, printableLines } from '../../../src/cli/tables';
import type { RunResult } from '../../../src/core/records/run-result';

function run(variant: string, task: string, method: string, seed: number, final: number): RunResult {
  const evalAt = (step: number, x: number) => ({
    step,
    criterionMeans: [x, x],
    rubricScore: x,
    worstScore: x,
    allPassRate: x,
    spread: 0,
    samples: 8,
  });
  const metric = (step: number, x: number) => ({
    step,
    criterionMeans: [x, 1 - x],
    effectiveWeights: [0.5, 0.5],
  });
  return {
    variant,
    seed,
    backend: 'cpu',
    config: { task, model: { size: 'small' }, method: { method } },
    criterionIds: ['a', 'b'],
    criterionNames: ['A', 'B'],
    metrics: [metric(1, 0), metric(2, final)],
    evals: [evalAt(0, 0.5), evalAt(2, final)],
    seconds: 1,
  } as unknown as RunResult;
}

const grid = [
  run('meadow/static', 'meadow', 'static', 1, 0.5),
  run('meadow/static', 'meadow', 'static', 2, 0.5),
  run('meadow/focal', 'meadow', 'focal', 1, 0.75),
  run('meadow/focal', 'meadow', 'focal', 2, 0.75),
  run('market/static', 'market', 'static', 1, 0.9),
  run('market/static', 'market', 'static', 2, 0.9),
  run('market/focal', 'market', 'focal', 1, 0.8),
  run('market/focal', 'market', 'focal', 2, 0.8),
];

describe('compare tables', () => {
  it('compares within each task x size, each against its own baseline', () => {
    const text = formatComparisons(grid);
    const [meadow, market] = text.split('\n\n');
    expect(meadow.split('\n')[0]).toBe('meadow / small:');
    expect(market.split('\n')[0]).toBe('market / small:');
    // Focal wins both seeds by 0.25 in meadow and loses both by 0.1 in market: had the cells shared
    // one baseline (market's static, the best overall), meadow's focal would show two losses.
    expect(meadow).toMatch(/meadow\/focal\s+focal\s+2\s.*2\/2 \(\+0\.250\)/);
    expect(market).toMatch(/market\/focal\s+focal\s+2\s.*0\/2 \(-0\.100\)/);
    expect(meadow).toContain('baseline: "meadow/static"');
    expect(market).toContain('baseline: "market/static"');
  });

  it('tests each non-baseline variant with paired t intervals, Holm-corrected over the output', () => {
    const runs = [
      ...[0.5, 0.5, 0.5].map((x, i) => run('meadow/static', 'meadow', 'static', i + 1, x)),
      ...[0.4, 0.6, 0.45].map((x, i) => run('meadow/gdpo', 'meadow', 'gdpo', i + 1, x)),
      ...[0.7, 0.8, 0.75].map((x, i) => run('meadow/focal', 'meadow', 'focal', i + 1, x)),
    ];
    const rows = formatTests(runs)
      .split('\n')
      .filter((line) => line.startsWith('meadow/focal'))
      .map((line) => line.split(/\s{2,}/));
    expect(rows.map((r) => r[1])).toEqual(['rubric', 'worst', 'all-pass']);
    // Best of, each seed left out of its own choice: seed 1 -> gdpo (0.525 on seeds 2-3 against
    // 0.5), seed 2 -> static (0.5 against 0.425), seed 3 -> static (a tie: the first listed).
    // Differences 0.3, 0.3, 0.25: mean 0.2833, sd 0.02887, t = 17 on 2 df, p = 1 - 17 / sqrt(291)
    // = 0.00344, three per family (one per metric) so Holm gives 3p = 0.0103; half-width
    // 4.302653 * 0.01667 = 0.0717; d_z = 9.81.
    expect(rows[0][2]).toBe(
      '+0.283 [+0.212, +0.355], d_z 9.81, p 0.010, clear win (meadow/static 2, meadow/gdpo 1)',
    );
    // Static alone: 0.2, 0.3, 0.25, t = 8.66, p = 1 - 8.66 / sqrt(77) = 0.01307, x 3 = 0.039.
    expect(rows[0][3]).toMatch(/^\+0\.250 \[.*\], d_z 5\.00, p 0\.039, clear win$/);
    // Gdpo alone: 0.3, 0.2, 0.3, t = 8, p = 1 - 8 / sqrt(66) = 0.01527, x 3 = 0.046.
    expect(rows[0][4]).toMatch(/^\+0\.267 \[.*\], d_z 4\.62, p 0\.046, clear win$/);
    expect(formatTests(runs.slice(0, 6))).toMatch(/^no variant to test/);
  });

  it('prints one table without a heading when every run is in one cell', () => {
    const text = formatComparisons(grid.slice(0, 4));
    expect(text.startsWith('variant')).toBe(true);
    expect(text).not.toContain('meadow / small:');
  });

  it('windows pool the seeds of a variant, per window of steps', () => {
    const text = formatWindows(grid.slice(2, 4), 1);
    const rows = text.split('\n').slice(3);
    // Step 1: a = 0, b = 1; step 2: a = 0.75, b = 0.25 (both seeds alike).
    expect(rows[0].split(/\s+/)).toEqual(['1-1', '0.00', '1.00', '0.50', '0.50']);
    expect(rows[1].split(/\s+/)).toEqual(['2-2', '0.75', '0.25', '0.50', '0.50']);
  });

  it("gives each criterion's final held-out score per variant: mean over seeds and the lowest", () => {
    const other = { ...run('other', 'meadow', 'focal', 1, 0.3), criterionIds: ['b', 'c'] } as RunResult;
    const failed = {
      ...run('meadow/static', 'meadow', 'static', 3, 0),
      failure: { step: 1, reason: 'x' },
    } as RunResult;
    const text = formatCriterionFinals([
      run('meadow/static', 'meadow', 'static', 1, 0.4),
      run('meadow/static', 'meadow', 'static', 2, 0.8),
      failed,
      other,
    ]);
    const rows = text
      .split('\n')
      .slice(3)
      .map((line) => line.split(/\s{2,}/));
    expect(text.split('\n')[1].split(/\s+/)).toEqual(['variant', 'a', 'b', 'c']);
    // The failed run is left out: (0.4 + 0.8) / 2, lowest 0.4; `other` has no criterion a.
    expect(rows[0]).toEqual(['meadow/static', '0.60 (0.40)', '0.60 (0.40)', '—']);
    expect(rows[1]).toEqual(['other', '—', '0.30 (0.30)', '0.30 (0.30)']);
  });

  it('prints names from a file without their control characters or bidirectional overrides', () => {
    expect(printable('a\u001b[2Jb\u202ec\u0007')).toBe('a\\x1b[2Jb\\u202ec\\x07');
    expect(printable('plain, ünïcode · ok')).toBe('plain, ünïcode · ok');
    expect(printableLines('one\u001b\ntwo')).toBe('one\\x1b\ntwo');
    const hostile = grid.slice(0, 4).map((r) => ({ ...r, variant: `${r.variant}\u001b[31m` }));
    const text = formatComparisons(hostile);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('meadow/focal\\x1b[31m');
    expect(chooseVariants(['x\u001b'], 'y')).toBe('--variants: no variant "y"; the variants are x\\x1b');
  });

  it('chooses variants by name and names the one that is not there', () => {
    const have = ['meadow/static', 'meadow/focal'];
    expect(chooseVariants(have, undefined)).toEqual(new Set(have));
    expect(chooseVariants(have, ' meadow/focal ')).toEqual(new Set(['meadow/focal']));
    expect(chooseVariants(have, 'meadow/focal,meadow/gdpo')).toBe(
      '--variants: no variant "meadow/gdpo"; the variants are meadow/static, meadow/focal',
    );
  });
});
