/**
 * Export an experiment to Hugging Face TRL: the files of a small Python package (reward functions,
 * the lab's aggregator in a GRPOTrainer subclass, train.py, requirements, README), as text.
 * One function for the command line and the app, so both write identical files. Parts that TRL
 * cannot express exactly are refused with the reason, unless the caller accepts the named
 * difference (docs/export.md).
 */
import { coreOf, resolveVariants, rubricOf } from '../../experiment/resolve';
import { rlLearningRate } from '../../experiment/learning-rate';
import type { Experiment, ExperimentCore } from '../../experiment/schema';
import { compileRubric } from '../../rubric/compile';
import { getTask } from '../../task';
import type { Problem } from '../../validation';
import { AGGREGATE_PY } from './python/aggregate';
import { SCORING_PY } from './python/scoring';
import { TRAINER_PY } from './python/trainer';
import { SMOKE_TEST_PY, TRAIN_PY } from './python/train';
import { packageReadme, REQUIREMENTS_TXT } from './readme';

/** Differences from the lab that an export may accept by name; without them it refuses. */
export const ACCEPTABLE = ['kl-per-sequence', 'exact-judges'] as const;
export type Acceptable = (typeof ACCEPTABLE)[number];

export interface TrlExportOptions {
  /** Name of the variant to export; absent: the base configuration. */
  variant?: string;
  accept?: readonly Acceptable[];
}

export interface ExportFile {
  path: string;
  text: string;
}

export type TrlExport = { ok: true; files: ExportFile[] } | { ok: false; problems: Problem[] };

/** The configuration to export: the base, or one variant resolved over it. */
function configurationOf(experiment: Experiment, variant: string | undefined): ExperimentCore | Problem {
  if (variant === undefined) return coreOf(experiment);
  const found = resolveVariants(experiment).find((v) => v.name === variant);
  if (!found) {
    const names = experiment.variants.map((v) => `"${v.name}"`).join(', ') || 'none';
    return { path: 'variants', message: `no variant named "${variant}" (this experiment has: ${names})` };
  }
  return found.config;
}

/** What TRL cannot do as the lab does, for this configuration. */
function refusals(core: ExperimentCore, accept: ReadonlySet<Acceptable>): Problem[] {
  const problems: Problem[] = [];
  if (core.optim.entCoef > 0)
    problems.push({
      path: 'optim.entCoef',
      message:
        "TRL's entropy bonus averages entropy per micro-batch and divides by the accumulation steps; the lab " +
        'averages it over every generated token of the batch. Set entCoef to 0 to export.',
    });
  if (core.optim.betaKL > 0 && !accept.has('kl-per-sequence'))
    problems.push({
      path: 'optim.betaKL',
      message:
        "TRL adds beta x KL to each token's loss and averages it per completion (loss_type grpo); the lab " +
        'averages the KL over all generated tokens of the batch, so completions of different lengths weigh ' +
        'differently. Set betaKL to 0, or accept the difference with --accept kl-per-sequence.',
    });
  if (core.method.trainingWeights)
    problems.push({
      path: 'method.trainingWeights',
      message:
        "the exported aggregator trains with the rubric's weights; training weights apart from the rubric's " +
        'are not exported. Remove method.trainingWeights (or put those weights in the rubric) to export.',
    });
  if (!accept.has('exact-judges'))
    rubricOf(core).criteria.forEach((c, i) => {
      if (c.enabled && (c.judge.fp > 0 || c.judge.fn > 0))
        problems.push({
          path: `rubric.criteria.${i}.judge`,
          message:
            `criterion "${c.id}" has a simulated judge (fp ${c.judge.fp}, fn ${c.judge.fn}); the exported ` +
            'reward function computes the exact rule, so there are no noisy verdicts for the projection to ' +
            'invert. Set the judge to 0, or accept exact verdicts with --accept exact-judges.',
        });
    });
  return problems;
}

/** A Python identifier for a criterion id (ids are lowercase letters, digits and dashes). */
const pythonName = (id: string): string => `reward_${id.replace(/-/g, '_')}`;

function rewardsPy(ids: readonly string[]): string {
  const defs = ids.map(
    (id, k) => `def ${pythonName(id)}(prompts, completions, **kwargs):
    """Criterion "${id}": its score in [0, 1] for each completion."""
    return _score(${k}, completions, kwargs)


${pythonName(id)}.__name__ = "${id}"  # TRL logs rewards/<__name__>/mean, as the lab's charts name it
`,
  );
  return `"""One reward function per enabled criterion, with TRL's signature and named after the criterion id.

Each returns the lab's exact score (no simulated judge) for every completion. The prompt's topic
comes from the dataset's "topic" column, which TRL passes as a keyword argument.
"""

from . import LAB
from .scoring import max_text_length, prepare_scorer, score_one

_MAX_TEXT = max_text_length(LAB["vocabulary"], LAB["hyperparameters"]["maxCompletionLength"])
_SCORERS = [prepare_scorer(c["params"], LAB["lexicon"], _MAX_TEXT) for c in LAB["criteria"]]


def _score(k, completions, kwargs):
    topics = kwargs.get("topic") or [""] * len(completions)
    return [score_one(_SCORERS[k], completion, topic) for completion, topic in zip(completions, topics)]


${defs.join('\n\n')}
REWARD_FUNCS = [${ids.map(pythonName).join(', ')}]
`;
}

const INIT_PY = `"""A Focal Lab experiment, exported for TRL. LAB: the experiment's values (rubric.json)."""

import json
import os

with open(os.path.join(os.path.dirname(__file__), "rubric.json")) as _f:
    LAB = json.load(_f)
`;

/** The package's files for one configuration of `experiment`, or the reasons it cannot be exported. */
export function exportToTrl(experiment: Experiment, options: TrlExportOptions = {}): TrlExport {
  const core = configurationOf(experiment, options.variant);
  if ('path' in core) return { ok: false, problems: [core] };
  const accept = new Set(options.accept ?? []);
  const problems = refusals(core, accept);
  if (problems.length > 0) return { ok: false, problems };

  const task = getTask(core.task);
  const compiled = compileRubric(rubricOf(core), task.lexicon);
  const exactJudges = accept.has('exact-judges');
  const lab = {
    experiment: experiment.name,
    variant: options.variant ?? null,
    task: task.id,
    accepted: [...accept].sort(),
    ids: compiled.ids,
    names: compiled.criteria.map((c) => c.name),
    weights: compiled.weights,
    judges: compiled.judges.map((j) => (exactJudges ? { fp: 0, fn: 0 } : j)),
    criteria: compiled.criteria.map((c) => ({ id: c.id, params: c.params })),
    method: core.method,
    lexicon: {
      wordClasses: task.lexicon.wordClasses,
      // Pairs in Object.entries order, so that Python resolves duplicate folded keys as the lab does.
      rhymes: Object.entries(task.lexicon.rhymes),
    },
    topics: task.topics,
    vocabulary: task.vocabulary,
    hyperparameters: {
      groupSize: core.sampling.groupSize,
      promptsPerStep: core.sampling.promptsPerStep,
      steps: core.steps,
      lr: rlLearningRate(core.optim, core.model.size),
      mu: core.optim.mu,
      epsClip: core.optim.epsClip,
      betaKL: core.optim.betaKL,
      maxGradNorm: core.optim.maxGradNorm,
      temperature: core.optim.temperature,
      maxCompletionLength: task.maxNew,
      seed: experiment.seeds[0],
    },
  };
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    ok: true,
    files: [
      { path: 'README.md', text: packageReadme(lab) },
      { path: 'requirements.txt', text: REQUIREMENTS_TXT },
      { path: 'train.py', text: TRAIN_PY },
      { path: 'smoke_test.py', text: SMOKE_TEST_PY },
      { path: 'experiment.json', text: json(experiment) },
      { path: 'focal_lab/__init__.py', text: INIT_PY },
      { path: 'focal_lab/rubric.json', text: json(lab) },
      { path: 'focal_lab/rewards.py', text: rewardsPy(compiled.ids) },
      { path: 'focal_lab/scoring.py', text: SCORING_PY },
      { path: 'focal_lab/aggregate.py', text: AGGREGATE_PY },
      { path: 'focal_lab/trainer.py', text: TRAINER_PY },
    ],
  };
}
