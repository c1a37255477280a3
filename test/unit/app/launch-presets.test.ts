import { describe, expect, it } from 'vitest';
import { methodOfVariant, methodVariant, planRuns, toggleCompared } from '../../../src/app/model/launch';
import { PRESETS } from '../../../src/app/presets';
import { parseExperiment, rubricOf } from '../../../src/core/experiment/resolve';
import { experimentSchema } from '../../../src/core/experiment/schema';
import { checkRubric } from '../../../src/core/rubric';
import { getTask } from '../../../src/core/task';

describe('presets', () => {
  it.each(PRESETS.map((p) => [p.id, p] as const))('%s is a valid experiment for its task', (_id, preset) => {
    const parsed = parseExperiment(preset.experiment);
    expect(parsed.ok ? [] : parsed.problems).toEqual([]);
    if (!parsed.ok) return;
    expect(checkRubric(rubricOf(parsed.value), getTask(parsed.value.task).lexicon)).toEqual([]);
    expect(preset.explanation.length).toBeGreaterThan(40);
    expect(planRuns(parsed.value).length).toBeGreaterThan(0);
  });

  it('the polarisation preset launches static and focal on the same seed', () => {
    const parsed = parseExperiment(PRESETS.find((p) => p.id === 'polarisation')!.experiment);
    if (!parsed.ok) throw new Error('invalid');
    const plan = planRuns(parsed.value);
    expect(plan.map((r) => [r.name, r.config.method.method, r.seed])).toEqual([
      ['static', 'static', 1],
      ['focal', 'focal', 1],
    ]);
  });
});

describe('launch plan', () => {
  const base = experimentSchema.parse({ version: 2, task: 'meadow', name: 'base', seeds: [1, 2] });

  it('runs the base once per seed when there are no variants', () => {
    expect(planRuns(base).map((r) => [r.name, r.seed])).toEqual([
      ['base', 1],
      ['base', 2],
    ]);
  });

  it('runs every variant for every seed, keeping the base parameters', () => {
    const exp = {
      ...base,
      method: { ...base.method, gamma: 3 },
      variants: [methodVariant('static'), methodVariant('focal')],
    };
    const plan = planRuns(exp);
    expect(plan).toHaveLength(4);
    expect(plan[3].config.method).toMatchObject({ method: 'focal', gamma: 3 });
  });

  it('toggling a compared method brings the base method in, and back out', () => {
    const one = toggleCompared([], 'focal', 'static');
    expect(one.map(methodOfVariant)).toEqual(['static', 'focal']);
    const two = toggleCompared(one, 'focal', 'gdpo');
    expect(two.map(methodOfVariant)).toEqual(['static', 'gdpo', 'focal']);
    const back = toggleCompared(toggleCompared(two, 'focal', 'gdpo'), 'focal', 'static');
    expect(back).toEqual([]);
  });

  it('keeps other variants and does not treat them as method toggles', () => {
    const custom = { name: 'focal γ=0', overrides: { method: { method: 'focal', gamma: 0 } } };
    expect(methodOfVariant(custom)).toBeNull();
    const next = toggleCompared([custom], 'focal', 'static');
    expect(next).toContainEqual(custom);
    expect(next.map(methodOfVariant)).toEqual(['static', null]);
  });
});
