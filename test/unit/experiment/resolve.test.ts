import { describe, expect, it } from 'vitest';
import { parseExperiment, resolveVariants, rubricOf } from '../../../src/core/experiment/resolve';
import { compareVariants, pairedComparison, summarise } from '../../../src/core/experiment/compare';
import { readFileSync, readdirSync } from 'node:fs';

const base = { version: 2, task: 'meadow' };

describe('parseExperiment', () => {
  it('fills defaults and accepts every example file', () => {
    const parsed = parseExperiment(base);
    expect(parsed.ok && parsed.value.method.method).toBe('focal');
    for (const name of readdirSync('public/experiments')) {
      const result = parseExperiment(JSON.parse(readFileSync(`public/experiments/${name}`, 'utf8')));
      expect(result.ok, `${name}: ${JSON.stringify(!result.ok && result.problems)}`).toBe(true);
    }
  });

  it('accepts every JSON example in docs/experiment-format.md', () => {
    const doc = readFileSync('docs/experiment-format.md', 'utf8');
    const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    for (const example of examples) expect(parseExperiment(example).ok).toBe(true);
  });

  it('reports every problem with its path', () => {
    const parsed = parseExperiment({ ...base, task: 'nowhere', steps: 0, optim: { lr: -1 }, version: 3 });
    expect(parsed.ok).toBe(false);
    const paths = !parsed.ok ? parsed.problems.map((p) => p.path) : [];
    expect(paths).toEqual(expect.arrayContaining(['version', 'steps', 'optim.lr', 'task']));
  });

  it('checks variants: bad overrides, unknown criteria in weight shorthands', () => {
    const parsed = parseExperiment({
      ...base,
      variants: [
        { name: 'a', overrides: { method: { method: 'focal', gamma: 99 } } },
        { name: 'b', overrides: { weights: { nope: 1 } } },
      ],
    });
    const paths = !parsed.ok ? parsed.problems.map((p) => p.path) : [];
    expect(paths).toEqual(['variants.0.overrides.method.gamma', 'variants.1.overrides.weights.nope']);
  });

  it('rejects non-objects and NaN without throwing', () => {
    expect(parseExperiment('hello').ok).toBe(false);
    expect(parseExperiment(null).ok).toBe(false);
    expect(parseExperiment({ ...base, steps: Number.NaN }).ok).toBe(false);
  });
});

describe('resolveVariants', () => {
  it('deep-merges overrides, applies weight shorthands, and uses the new task default rubric', () => {
    const parsed = parseExperiment({
      ...base,
      optim: { lr: 0.01, mu: 3 },
      variants: [
        { name: 'lr', overrides: { optim: { lr: 0.02 } } },
        { name: 'weights', overrides: { weights: { rhyme: 5 } } },
        { name: 'other task', overrides: { task: 'diary' } },
      ],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const [lr, weights, other] = resolveVariants(parsed.value);
    expect(lr.config.optim).toMatchObject({ lr: 0.02, mu: 3 });
    expect(rubricOf(weights.config).criteria.find((c) => c.id === 'rhyme')?.weight).toBe(5);
    expect(other.config.task).toBe('diary');
    expect(rubricOf(other.config).criteria.map((c) => c.id)).not.toContain('rhyme');
  });

  it('without variants gives the base alone', () => {
    const parsed = parseExperiment({ ...base, name: 'solo' });
    if (!parsed.ok) throw new Error('invalid');
    expect(resolveVariants(parsed.value).map((v) => v.name)).toEqual(['solo']);
  });
});

describe('comparison statistics', () => {
  it('summarises with the sample std and counts paired wins by seed', () => {
    expect(summarise([1, 2, 3])).toEqual({ mean: 2, std: 1, n: 3 });
    const c = pairedComparison({ 1: 0.5, 2: 0.4, 3: 0.3 }, { 1: 0.4, 2: 0.4, 3: 0.5, 4: 1 });
    expect(c).toMatchObject({ pairs: 3, wins: 1, ties: 1, losses: 1 });
    expect(c.meanDiff).toBeCloseTo((0.1 + 0 - 0.2) / 3, 12);
  });

  it('picks the strongest static aggregation as the baseline', () => {
    const finals = [1, 2].flatMap((seed) => [
      { variant: 's', method: 'static' as const, seed, rubricScore: 0.5, worstScore: 0.1, allPassRate: 0 },
      { variant: 'g', method: 'gdpo' as const, seed, rubricScore: 0.6, worstScore: 0.2, allPassRate: 0 },
      {
        variant: 'f',
        method: 'focal' as const,
        seed,
        rubricScore: 0.55 + seed * 0.1,
        worstScore: 0.3,
        allPassRate: 0,
      },
    ]);
    const table = compareVariants(finals);
    expect(table.baseline).toBe('g');
    const focal = table.rows.find((r) => r.variant === 'f');
    expect(focal?.vsBaseline).toMatchObject({ wins: 2, pairs: 2 });
    expect(table.rows.find((r) => r.variant === 'g')?.vsBaseline).toBeUndefined();
  });
});
