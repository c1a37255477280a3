/**
 * A dial point x size as the ordinary experiment file: the generated rubric (its stated weights
 * are what evaluation uses) and one variant per arm. The tuned-static arm trains with the lagging
 * criterion's weight multiplied by `m` through `method.trainingWeights`, so it is still judged by
 * the stated weights; `m` is chosen on tuning seeds by `tuningExperiment` before the compared
 * seeds run.
 */
import type { ExperimentInput, ModelSize } from '../experiment/schema';
import type { MethodConfigInput } from '../reward/config';
import type { DialRubric } from './generate';
import type { DialArm } from './results';
import type { DialPointSpec } from './points';

/** An arm: its results-file entry and the method it trains with (tuned static: filled per point). */
export interface ArmSpec extends DialArm {
  config: MethodConfigInput;
}

export const TUNED_STATIC = 'tuned-static';

export const DIAL_ARMS: readonly ArmSpec[] = [
  {
    id: 'static',
    label: 'static',
    method: 'static',
    note: 'weighted sum, then group-normalise',
    config: { method: 'static' },
  },
  {
    id: 'gdpo',
    label: 'gdpo',
    method: 'gdpo',
    note: 'normalise each criterion, then sum',
    config: { method: 'gdpo' },
  },
  {
    id: 'sa-mrpo',
    label: 'sa-mrpo',
    method: 'sa-mrpo',
    note: 'gdpo reweighted by headroom (gamma 2)',
    config: { method: 'sa-mrpo' },
  },
  {
    id: 'worst',
    label: 'worst',
    method: 'worst',
    note: 'the minimum criterion',
    config: { method: 'worst' },
  },
  { id: 'focal', label: 'focal', method: 'focal', note: 'defaults', config: { method: 'focal' } },
  {
    id: 'focal-no-ema',
    label: 'focal, no EMA',
    method: 'focal',
    note: 'beta 0',
    config: { method: 'focal', beta: 0 },
  },
  {
    id: 'focal-no-floor',
    label: 'focal, no floor',
    method: 'focal',
    note: 'alphaMin 0',
    config: { method: 'focal', alphaMin: 0 },
  },
  {
    id: 'focal-calibrated',
    label: 'focal, direction calibration on',
    method: 'focal',
    note: 'base saturation, scale snr',
    config: { method: 'focal', base: 'saturation', scale: 'snr' },
  },
  {
    id: 'focal-scale-none',
    label: 'focal, scale none',
    method: 'focal',
    note: 'scale none',
    config: { method: 'focal', scale: 'none' },
  },
  {
    id: TUNED_STATIC,
    label: 'tuned static',
    method: 'static',
    note: "static, the lagging criterion's training weight x m chosen on the tuning seeds",
    config: { method: 'static' },
  },
];
export const ARM_IDS: readonly string[] = DIAL_ARMS.map((a) => a.id);

/** Multipliers of the lagging criterion's training weight that tuned static chooses from. */
export const TUNING_MULTIPLIERS: readonly number[] = [1, 2, 4, 8];

/** The run settings every dial point shares; the learning rate is the paper grid's (public/experiments/paper.json). */
export interface DialRunSettings {
  steps: number;
  seeds: number[];
  evalEvery: number;
  evalSamples: number;
}

export const DEFAULT_RUN_SETTINGS: DialRunSettings = {
  steps: 80,
  seeds: [1, 2, 3, 4, 5, 6, 7, 8],
  evalEvery: 10,
  evalSamples: 64,
};
export const DIAL_OPTIM = { lr: 0.001, lrByWidth: true } as const;
export const DIAL_SAMPLING = { groupSize: 8, promptsPerStep: 4 } as const;

/** The lagging criterion's stated weight in the generated rubric. */
function laggingWeight(generated: DialRubric): number {
  const criterion = generated.rubric.criteria.find((c) => c.id === generated.lagging);
  if (!criterion) throw new Error(`dial: the rubric has no criterion "${generated.lagging}"`);
  return criterion.weight;
}

/** Static training with the lagging criterion's weight x `multiplier` (x1: plain static). */
export function tunedStaticMethod(generated: DialRubric, multiplier: number): MethodConfigInput {
  return multiplier === 1
    ? { method: 'static' }
    : { method: 'static', trainingWeights: { [generated.lagging]: laggingWeight(generated) * multiplier } };
}

function baseOf(
  taskId: string,
  point: DialPointSpec,
  generated: DialRubric,
  size: ModelSize,
  settings: DialRunSettings,
): ExperimentInput {
  return {
    version: 2,
    task: taskId,
    rubric: generated.rubric,
    model: { size },
    base: 'zoo',
    steps: settings.steps,
    optim: { ...DIAL_OPTIM },
    sampling: { ...DIAL_SAMPLING },
    eval: { every: settings.evalEvery, samples: settings.evalSamples },
    seeds: [...settings.seeds],
  };
}

/** The experiment of one point x size over the compared seeds, one variant per arm (in `arms` order). */
export function dialExperiment(
  taskId: string,
  point: DialPointSpec,
  generated: DialRubric,
  size: ModelSize,
  settings: DialRunSettings,
  arms: readonly ArmSpec[],
  multiplier: number,
): ExperimentInput {
  return {
    ...baseOf(taskId, point, generated, size, settings),
    name: `Dial ${taskId} ${point.id} (${size})`.slice(0, 80),
    description:
      `Polarisation dial point ${point.id}: ${point.label}. Lagging criterion "${generated.lagging}" ` +
      `(corpus pass rate ${generated.measured.laggingRate.toFixed(3)}); tuned static trains its weight x${multiplier}, ` +
      'chosen on separate tuning seeds; evaluation uses the rubric weights. Written by `lab dial` (docs/dial.md).',
    variants: arms.map((arm) => ({
      name: arm.id,
      overrides: { method: arm.id === TUNED_STATIC ? tunedStaticMethod(generated, multiplier) : arm.config },
    })),
  };
}

export const tuningVariant = (multiplier: number) => `tune-x${multiplier}`;

/** Static at every multiplier over the tuning seeds (never the compared ones). */
export function tuningExperiment(
  taskId: string,
  point: DialPointSpec,
  generated: DialRubric,
  size: ModelSize,
  settings: DialRunSettings,
  tuningSeeds: readonly number[],
  multipliers: readonly number[] = TUNING_MULTIPLIERS,
): ExperimentInput {
  return {
    ...baseOf(taskId, point, generated, size, { ...settings, seeds: [...tuningSeeds] }),
    name: `Dial ${taskId} ${point.id} (${size}), tuning`.slice(0, 80),
    variants: multipliers.map((m) => ({
      name: tuningVariant(m),
      overrides: { method: tunedStaticMethod(generated, m) },
    })),
  };
}
