/**
 * The dial results file from what `lab dial` generated and ran: per point its rubric and
 * measured statistics, per size the experiment that re-runs it, the tuning choice and the
 * analysis of its runs; Holm's correction over all the gains of the file at the end.
 */
import type { Experiment, ModelSize } from '../experiment/schema';
import type { RunResult } from '../records/run-result';
import { armFinals, armTrace, gainsOf, startRate, withHolm } from './analyse';
import type { DialRubric } from './generate';
import { dialDefinitions, DIAL_CENTRE, type DialPointSpec } from './points';
import {
  DIAL_RESULTS_FORMAT,
  DIAL_RESULTS_VERSION,
  type DialArm,
  type DialPoint,
  type DialResults,
  type DialSizeResult,
} from './results';
import type { TuningChoice } from './tuning';

export interface SizeRuns {
  size: ModelSize;
  experiment: Experiment;
  tuning: TuningChoice;
  /** The runs of the compared seeds (every arm). */
  results: readonly RunResult[];
}

export interface PointRuns {
  spec: DialPointSpec;
  generated: DialRubric;
  sizes: readonly SizeRuns[];
}

export interface DialRunInfo {
  task: string;
  arms: readonly DialArm[];
  sizes: readonly ModelSize[];
  seeds: readonly number[];
  tuningSeeds: readonly number[];
  steps: number;
  eval: { every: number; samples: number };
  predictions: string;
  machine: DialResults['machine'];
  createdAt: string;
}

function sizeResult(run: SizeRuns, generated: DialRubric, info: DialRunInfo): DialSizeResult {
  const criterionIds = generated.rubric.criteria.map((c) => c.id);
  const arms = info.arms.map((arm) => armFinals(run.results, arm.id, info.seeds, generated.lagging));
  return {
    size: run.size,
    experiment: run.experiment,
    tuning: run.tuning,
    startLaggingRate: startRate(run.results, generated.lagging),
    arms,
    gains: gainsOf(arms),
    traces: info.arms.map((arm) => armTrace(run.results, arm.id, criterionIds)),
  };
}

export function assembleDial(points: readonly PointRuns[], info: DialRunInfo): DialResults {
  const built: DialPoint[] = points.map((p) => ({
    id: p.spec.id,
    label: p.spec.label,
    setting: p.spec.setting,
    dials: p.spec.dials,
    rubric: p.generated.rubric as DialPoint['rubric'],
    lagging: p.generated.lagging,
    measured: p.generated.measured,
    sizes: p.sizes.map((s) => sizeResult(s, p.generated, info)),
  }));
  // One family per metric over the whole file: every point, size and baseline.
  const corrected = withHolm(built.flatMap((p) => p.sizes.map((s) => s.gains)));
  let i = 0;
  for (const p of built) for (const s of p.sizes) s.gains = corrected[i++];
  return {
    format: DIAL_RESULTS_FORMAT,
    version: DIAL_RESULTS_VERSION,
    task: info.task,
    dials: dialDefinitions(),
    centre: DIAL_CENTRE,
    // Only the fields of the file's arm entries (an ArmSpec also carries its method config).
    arms: info.arms.map(({ id, label, method, note }) => ({ id, label, method, note })),
    sizes: [...info.sizes],
    seeds: [...info.seeds],
    tuningSeeds: [...info.tuningSeeds],
    steps: info.steps,
    eval: info.eval,
    points: built,
    predictions: info.predictions,
    machine: info.machine,
    createdAt: info.createdAt,
  };
}
