/**
 * A dial point as experiment files: one variant per arm, tuned static training with the lagging
 * weight x m while evaluation keeps the stated weights, tuning seeds apart, the paper grid's
 * learning rate; and the ten points of the dial.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ARM_IDS,
  DEFAULT_RUN_SETTINGS,
  DIAL_ARMS,
  DIAL_OPTIM,
  DIAL_SAMPLING,
  dialExperiment,
  TUNED_STATIC,
  tuningExperiment,
  tuningVariant,
} from '../../../src/core/dial/experiment';
import { dialRubric } from '../../../src/core/dial/generate';
import { DIAL_CENTRE, dialDefinitions, dialPoints, findPoint } from '../../../src/core/dial/points';
import { parseExperiment, resolveVariants, rubricOf } from '../../../src/core/experiment/resolve';
import { compileRubric } from '../../../src/core/rubric/compile';
import { trainingWeightsOf } from '../../../src/core/reward/training-weights';
import { getTask } from '../../../src/core/task';

const task = getTask('kitchen');
const centre = dialPoints()[0];
const generated = dialRubric(task, DIAL_CENTRE, { corpusSize: 800 });

describe('dial points', () => {
  it('are ten distinct points one dial at a time around the centre, with stable ids', () => {
    const points = dialPoints();
    expect(points).toHaveLength(10);
    expect(new Set(points.map((p) => p.id)).size).toBe(10);
    expect(points.map((p) => p.id)).toContain('baseRate=0.02');
    for (const p of points) {
      const moved = (Object.keys(DIAL_CENTRE) as (keyof typeof DIAL_CENTRE)[]).filter(
        (k) => p.setting[k] !== DIAL_CENTRE[k],
      );
      expect(moved.length).toBeLessThanOrEqual(1);
    }
    expect(dialDefinitions().flatMap((d) => d.values.map((v) => v.point))).toContain('centre');
    expect(findPoint('baseRate=0.05')?.id).toBe('centre');
    expect(findPoint('conflict=strong')?.setting.conflict).toBe('strong');
    expect(findPoint('baseRate=0.07')).toBeUndefined();
  });
});

describe('dialExperiment', () => {
  const input = dialExperiment('kitchen', centre, generated, 'small', DEFAULT_RUN_SETTINGS, DIAL_ARMS, 4);
  const parsed = parseExperiment(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const experiment = parsed.value;

  it('is a valid experiment file with one variant per arm and the stated defaults', () => {
    expect(experiment.variants.map((v) => v.name)).toEqual([...ARM_IDS]);
    expect(experiment.steps).toBe(80);
    expect(experiment.eval).toEqual({ every: 10, samples: 64 });
    expect(experiment.sampling).toEqual(DIAL_SAMPLING);
    expect(experiment.base).toBe('zoo');
    expect(experiment.seeds).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const methods = Object.fromEntries(resolveVariants(experiment).map((v) => [v.name, v.config.method]));
    expect(methods['focal-no-ema'].beta).toBe(0);
    expect(methods['focal-no-floor'].alphaMin).toBe(0);
    expect(methods['focal-calibrated']).toMatchObject({ base: 'saturation', scale: 'snr' });
    expect(methods['focal-scale-none'].scale).toBe('none');
    expect(methods.static.trainingWeights).toBeUndefined();
  });

  it('uses the paper grid learning rate', () => {
    const paper = JSON.parse(readFileSync('public/experiments/paper.json', 'utf8')) as { optim: object };
    expect(DIAL_OPTIM).toEqual(paper.optim);
    expect(experiment.optim).toMatchObject(DIAL_OPTIM);
  });

  it('trains tuned static with the lagging weight x m, evaluates every arm with the stated weights', () => {
    const variants = resolveVariants(experiment);
    const tuned = variants.find((v) => v.name === TUNED_STATIC);
    if (!tuned) throw new Error('no tuned static');
    const rubric = rubricOf(tuned.config);
    const stated = rubric.criteria.find((c) => c.id === generated.lagging)?.weight ?? Number.NaN;
    expect(tuned.config.method.trainingWeights).toEqual({ [generated.lagging]: stated * 4 });
    // Every arm has the same rubric: evaluation (which reads the rubric's weights) is the same for all.
    for (const v of variants) expect(rubricOf(v.config)).toEqual(rubricOf(experiment));
    const compiled = compileRubric(rubric, task.lexicon);
    const k = compiled.ids.indexOf(generated.lagging);
    const trained = trainingWeightsOf(compiled.criteria, tuned.config.method.trainingWeights);
    expect(compiled.weights[k]).toBeCloseTo(DIAL_CENTRE.weightShare, 12);
    // 0.1 share x4 among five others of weight 1: w = 5/9 -> 20/9, share (20/9) / (20/9 + 5) = 4/13.
    expect(trained[k]).toBeCloseTo(4 / 13, 12);
  });

  it('tunes on its own seeds, static at x1, 2, 4, 8', () => {
    const tuning = parseExperiment(
      tuningExperiment('kitchen', centre, generated, 'medium', DEFAULT_RUN_SETTINGS, [101, 102]),
    );
    if (!tuning.ok) throw new Error(JSON.stringify(tuning.problems));
    expect(tuning.value.seeds).toEqual([101, 102]);
    expect(tuning.value.variants.map((v) => v.name)).toEqual([1, 2, 4, 8].map(tuningVariant));
    const x1 = resolveVariants(tuning.value).find((v) => v.name === tuningVariant(1));
    expect(x1?.config.method).toMatchObject({ method: 'static' });
    expect(x1?.config.method.trainingWeights).toBeUndefined();
  });
});
