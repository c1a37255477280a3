/**
 * `lab dial`'s markdown report from a dial results file: per size and dial, the gain of focal
 * over each baseline with its 95% paired t interval, the lagging criterion's final score and the
 * area under the held-out curve per arm; focal against its ablations; and how each point was
 * realised (the measured corpus statistics).
 */
import type { DialGain, DialMetric, DialPoint, DialResults, ArmFinals } from '../core/dial/results';

/** Baselines of the headline tables, in order. */
export const HEADLINE_BASELINES = ['static', 'gdpo', 'sa-mrpo', 'worst', 'tuned-static'] as const;
export const ABLATIONS = ['focal-no-ema', 'focal-no-floor', 'focal-calibrated', 'focal-scale-none'] as const;

const signed = (x: number | null, digits = 3) =>
  x === null ? '—' : `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const plain = (x: number | null, digits = 3) => (x === null ? '—' : x.toFixed(digits));

/** `+0.031 [-0.010, +0.072]`, with ▲ / ▼ for a Holm-corrected win / loss. */
export function gainCell(gain: DialGain | undefined): string {
  if (!gain) return '—';
  const mark = gain.verdict === 'win' ? ' ▲' : gain.verdict === 'loss' ? ' ▼' : '';
  return `${signed(gain.mean)} [${signed(gain.low)}, ${signed(gain.high)}]${mark}`;
}

export function mean(values: readonly (number | null)[]): number | null {
  const present = values.filter((v): v is number => v !== null);
  return present.length === 0 ? null : present.reduce((a, b) => a + b, 0) / present.length;
}

function row(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [row(header), row(header.map(() => '---')), ...rows.map(row)].join('\n');
}

function sizeOf(point: DialPoint, size: string) {
  return point.sizes.find((s) => s.size === size);
}

const gainOf = (gains: readonly DialGain[], metric: DialMetric, baseline: string) =>
  gains.find((g) => g.metric === metric && g.baseline === baseline && g.candidate === 'focal');

const armMean = (arms: readonly ArmFinals[], arm: string, metric: DialMetric) => {
  const a = arms.find((x) => x.arm === arm);
  return a ? mean(a[metric]) : null;
};

function dialSection(file: DialResults, size: string, dialIndex: number): string {
  const dial = file.dials[dialIndex];
  const armIds = file.arms.map((a) => a.id);
  const present = dial.values.flatMap((v) => {
    const point = file.points.find((p) => p.id === v.point);
    const s = point && sizeOf(point, size);
    return point && s ? [{ value: v.value, point, s }] : [];
  });
  if (present.length === 0) return '';
  const baselines = HEADLINE_BASELINES.filter((b) => armIds.includes(b));
  const gains = markdownTable(
    [dial.id, 'point', 'lagging (corpus)', ...baselines.map((b) => `focal − ${b}`)],
    present.map(({ value, point, s }) => [
      String(value),
      `\`${point.id}\``,
      point.measured.laggingRate.toFixed(3),
      ...baselines.map((b) => gainCell(gainOf(s.gains, 'rubric', b))),
    ]),
  );
  const perArm = (metric: DialMetric) =>
    markdownTable(
      [dial.id, ...armIds],
      present.map(({ value, s }) => [String(value), ...armIds.map((a) => plain(armMean(s.arms, a, metric)))]),
    );
  return [
    `#### ${dial.label} (${size})`,
    '',
    'Gain of focal in final held-out rubric score (stated weights), mean over seeds with the 95% paired t interval; ▲ / ▼: Holm-corrected win / loss.',
    '',
    gains,
    '',
    "The lagging criterion's final held-out score, mean over seeds:",
    '',
    perArm('lagging'),
    '',
    'Area under the held-out rubric-score curve (trapezoid over the evaluations, divided by the step span), mean over seeds:',
    '',
    perArm('auc'),
    '',
  ].join('\n');
}

function ablationSection(file: DialResults, size: string): string {
  const armIds = file.arms.map((a) => a.id);
  const ablations = ABLATIONS.filter((a) => armIds.includes(a));
  if (ablations.length === 0 || !armIds.includes('focal')) return '';
  const rows = file.points.flatMap((p) => {
    const s = sizeOf(p, size);
    return s ? [[`\`${p.id}\``, ...ablations.map((a) => gainCell(gainOf(s.gains, 'rubric', a)))]] : [];
  });
  return [
    `#### Focal against its ablations (${size})`,
    '',
    'focal − ablation in final held-out rubric score (a positive gain: the part switched off helps).',
    '',
    markdownTable(['point', ...ablations], rows),
    '',
  ].join('\n');
}

function realisation(file: DialResults): string {
  const rows = file.points.map((p) => {
    const lag = p.rubric.criteria.find((c) => c.id === p.lagging);
    const words = lag && lag.params.kind === 'includes' ? lag.params.words.join(', ') : '?';
    const c = p.measured.cap;
    return [
      `\`${p.id}\``,
      words,
      p.measured.laggingRate.toFixed(3),
      c.target === null ? `none (≤ ${c.max})` : `≤ ${c.max}`,
      plain(c.pass, 2),
      plain(c.passGivenLagging, 2),
      plain(c.phi, 2),
      p.measured.weightShare.toFixed(3),
      String(p.rubric.criteria.length),
      p.sizes.map((s) => `${s.size}: ${plain(s.startLaggingRate, 3)}`).join(', '),
      p.sizes.map((s) => `${s.size}: x${s.tuning.chosen}`).join(', '),
      p.measured.notes.join('; ') || '',
    ];
  });
  return [
    '#### How each point was realised',
    '',
    `Measured on ${file.points[0]?.measured.corpusSize ?? 0} sentences of the task's generator over its training topics (fixed seed).`,
    '',
    markdownTable(
      [
        'point',
        'lagging words',
        'corpus rate',
        'cap',
        'P(cap)',
        'P(cap \\| lag)',
        'phi',
        'weight share',
        'K',
        'start rate (held-out)',
        'tuned m',
        'notes',
      ],
      rows,
    ),
    '',
  ].join('\n');
}

export function dialMarkdown(file: DialResults): string {
  const m = file.machine;
  const head = [
    `### Polarisation dial: ${file.task}`,
    '',
    `${file.points.length} points x ${file.sizes.join(', ')} x ${file.arms.length} arms x ${file.seeds.length} seeds ` +
      `(${file.seeds.join(', ')}); tuning seeds ${file.tuningSeeds.join(', ') || 'none'}; ${file.steps} steps, ` +
      `held-out evaluation every ${file.eval.every} steps with ${file.eval.samples} samples per prompt. ` +
      `${m.minutes.toFixed(1)} min on ${m.cores} cores with ${m.jobs} processes (load ${m.loadStart.map((x) => x.toFixed(1)).join(' ')} at the start, ${m.loadEnd.map((x) => x.toFixed(1)).join(' ')} at the end). ` +
      'Holm over every test of the file on the same metric.',
    '',
  ];
  const sections = file.sizes.flatMap((size) => [
    ...file.dials.map((_, i) => dialSection(file, size, i)),
    ablationSection(file, size),
  ]);
  const predictions = file.predictions.trim()
    ? ['#### Predictions (written before the run)', '', file.predictions.trim(), '']
    : [];
  return [...head, ...predictions, realisation(file), ...sections.filter((s) => s.length > 0)].join('\n');
}
