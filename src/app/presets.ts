/**
 * Teaching scenarios: complete experiments, each with a sentence on what to look for.
 * Every preset passes the experiment schema (a unit test checks it).
 */
import type { ExperimentInput } from '../core/experiment/schema';
import type { Method } from '../core/reward/config';

export interface Preset {
  id: string;
  title: string;
  /** What the scenario shows and where to look. */
  explanation: string;
  experiment: ExperimentInput;
}

const compare = (...methods: Method[]) =>
  methods.map((method) => ({ name: method, overrides: { method: { method } } }));

export const PRESETS: readonly Preset[] = [
  {
    id: 'polarisation',
    title: 'Reward polarisation: static vs focal',
    explanation:
      'Kitchen task, seven criteria. Most of them saturate within a few dozen steps; "something warm or hot" ' +
      '(weight 0.5) starts near 12%. Under the static sum the saturated criteria race to 100% while "warm" ' +
      'often stays low (0.00 in all three seeds of the small policy in docs/results.md); under focal it is ' +
      'lifted (0.94), and the effective-weight chart shows the effort moving to it as the others saturate. ' +
      'Pause and single-step to see, in the rollout inspector, how each aggregator turns the same scores ' +
      'into advantages.',
    experiment: {
      version: 2,
      name: 'Reward polarisation: static vs focal',
      task: 'kitchen',
      model: { size: 'small' },
      method: { method: 'focal' },
      sampling: { promptsPerStep: 4 },
      steps: 80,
      seeds: [1],
      variants: compare('static', 'focal'),
    },
  },
  {
    id: 'noisy-judge',
    title: 'Noisy judge',
    explanation:
      'Weather task: the colour criterion is judged with 20% false positives and 20% false negatives, so its ' +
      'observed score never looks saturated. Compare focal with its inverse reward projection (which undoes ' +
      'the judge to estimate the real pass rate) against focal without it and the static sum. Evaluation ' +
      'uses the exact rule, so the table shows what was really learned.',
    experiment: {
      version: 2,
      name: 'Noisy judge: projection on and off',
      task: 'weather',
      model: { size: 'small' },
      method: { method: 'focal' },
      steps: 150,
      seeds: [1],
      variants: [
        { name: 'static', overrides: { method: { method: 'static' } } },
        { name: 'focal', overrides: { method: { method: 'focal', projection: true } } },
        { name: 'focal, no projection', overrides: { method: { method: 'focal', projection: false } } },
      ],
    },
  },
  {
    id: 'mis-weighted',
    title: 'Mis-weighted rubric',
    explanation:
      'Harbour task: the easy topic criterion weighs 10 and the hard "ends at dawn" criterion 0.2. While the ' +
      'topic varies, dawn is drowned out in the static reward. SA-MRPO and focal move effort to criteria with ' +
      'headroom; the floor alphaMin keeps every criterion in play. Try raising the dawn weight while it runs.',
    experiment: {
      version: 2,
      name: 'Mis-weighted rubric',
      task: 'harbour',
      model: { size: 'small' },
      method: { method: 'focal' },
      steps: 150,
      seeds: [1],
      variants: compare('static', 'sa-mrpo', 'focal'),
    },
  },
  {
    id: 'shortcut',
    title: 'Degenerate shortcut',
    explanation:
      'Diary task: a two-word output passes "no repeated word" and "avoids and, then, but" for free. Watch the ' +
      'mean length and the length criterion: the static sum drifts toward short outputs, the worst-criterion ' +
      'baseline and focal resist it.',
    experiment: {
      version: 2,
      name: 'Degenerate shortcut',
      task: 'diary',
      model: { size: 'small' },
      method: { method: 'focal' },
      steps: 150,
      seeds: [1],
      variants: compare('static', 'worst', 'focal'),
    },
  },
  {
    id: 'gamma-ablation',
    title: 'Ablation: focal gamma, three seeds',
    explanation:
      'Kitchen task with seven criteria: focal at gamma 0, 1, 2 and 4 with three seeds each (12 runs, queued ' +
      'across workers). Gamma 0 turns the reweighting off. Read the comparison table: mean ± std across seeds ' +
      'and paired wins against the first arm.',
    experiment: {
      version: 2,
      name: 'Focal gamma ablation',
      task: 'kitchen',
      model: { size: 'small' },
      method: { method: 'focal' },
      steps: 150,
      seeds: [1, 2, 3],
      variants: [0, 1, 2, 4].map((gamma) => ({
        name: `focal γ=${gamma}`,
        overrides: { method: { method: 'focal', gamma } },
      })),
    },
  },
];
