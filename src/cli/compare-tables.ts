/**
 * The tables `lab compare` prints, from run records alone (no training): the paired comparison per
 * task x size, each criterion's final held-out score, and the step windows of each variant; and
 * the choice of variants by name. `lab paper` reuses the finals.
 */
import {
  compareVariants,
  formatMeanStd,
  METRICS,
  metricTests,
  SEPARATE_BASELINES,
  type ComparisonTable,
  type Metric,
  type PairedComparison,
} from '../core/experiment/compare';
import { holm, verdictAt, type PairedT } from '../core/experiment/paired-t';
import type { Verdict } from '../core/experiment/bootstrap';
import { stepWindows } from '../core/records/windows';
import type { RunResult } from '../core/records/run-result';
import { printable, printableLines, table } from './tables';

/** Final evaluations of the runs that finished; a failed run's partial evaluations are left out. */
export function finalsOf(results: readonly RunResult[]) {
  return results.flatMap((r) => {
    const last = r.evals.at(-1);
    if (r.failure || !last) return [];
    return [
      {
        variant: r.variant,
        method: r.config.method.method,
        seed: r.seed,
        rubricScore: last.rubricScore,
        worstScore: last.worstScore,
        allPassRate: last.allPassRate,
      },
    ];
  });
}

/** `2/3 (+0.012)`, with ties said: `0/3, 3 tied (+0.000)`. */
export function formatPaired(c: PairedComparison): string {
  const diff = Number.isNaN(c.meanDiff) ? '' : ` (${c.meanDiff >= 0 ? '+' : ''}${c.meanDiff.toFixed(3)})`;
  return `${c.wins}/${c.pairs}${c.ties > 0 ? `, ${c.ties} tied` : ''}${diff}`;
}

/** One line per failed run: which, at which step, why. */
export function formatFailures(results: readonly RunResult[]): string[] {
  return results.flatMap(({ variant, seed, failure }) => {
    if (!failure) return [];
    const where = failure.step === null ? 'before training' : `at step ${failure.step}`;
    // The trainer's own messages start with the step; say it once.
    const reason = failure.reason.replace(/^step \d+: /, '');
    return [`  ${variant} seed ${seed}: failed ${where}: ${reason}`];
  });
}

/**
 * The table: one row per variant (in the order of `results`), with how many of its runs finished,
 * and paired comparisons against the baseline on the rubric score, the worst criterion and the
 * all-pass rate. A variant whose every run failed still has its row.
 */
export function formatComparison(comparison: ComparisonTable, results: readonly RunResult[]): string {
  const names = [...new Set(results.map((r) => r.variant))];
  const paired = (name: string, c?: PairedComparison) =>
    !comparison.baseline ? '—' : name === comparison.baseline ? '(baseline)' : c ? formatPaired(c) : '—';
  const rows = names.map((name) => {
    const runs = results.filter((r) => r.variant === name);
    const failed = runs.filter((r) => r.failure).length;
    const row = comparison.rows.find((r) => r.variant === name);
    return [
      name,
      runs[0].config.method.method,
      failed ? `${runs.length - failed} of ${runs.length} (${failed} failed)` : String(runs.length),
      row ? formatMeanStd(row.rubric) : '—',
      row ? formatMeanStd(row.worst) : '—',
      row ? formatMeanStd(row.allPass) : '—',
      paired(name, row?.vsBaseline),
      paired(name, row?.vsBaselineWorst),
      paired(name, row?.vsBaselineAllPass),
    ];
  });
  const header = [
    'variant',
    'method',
    'runs',
    'rubric score',
    'worst criterion',
    'all-pass rate',
    'vs baseline: rubric',
    'worst',
    'all-pass',
  ];
  const note = comparison.baseline
    ? `baseline: "${comparison.baseline}", the strongest static aggregation (best of static, gdpo, worst) by mean rubric score;\n` +
      'paired columns: wins/pairs on the same seeds, ties, and the mean difference (descriptive: the baseline is picked\n' +
      'on the seeds it is scored on; the tests below pick it on the other seeds)'
    : 'no static, gdpo or worst variant finished, so there are no paired comparisons';
  const failures = formatFailures(results);
  return printableLines(
    [table(header, rows), note, ...(failures.length ? ['failed runs:', ...failures] : [])].join('\n'),
  );
}

/**
 * One table per task x size: a paired comparison means the same seeds on the same task and policy,
 * so a file with several (the paper grid) gets a baseline per cell, not one across cells.
 */
export function formatComparisons(results: readonly RunResult[]): string {
  const cellOf = (r: RunResult) => `${r.config.task} / ${r.config.model.size}`;
  const cells = [...new Set(results.map(cellOf))];
  if (cells.length <= 1) return formatComparison(compareVariants(finalsOf(results)), results);
  return cells
    .map((cell) => {
      const runs = results.filter((r) => cellOf(r) === cell);
      return `${cell}:\n${formatComparison(compareVariants(finalsOf(runs)), runs)}`;
    })
    .join('\n\n');
}

const signed = (x: number, digits = 3) => `${x >= 0 ? '+' : ''}${x.toFixed(digits)}`;
const VERDICT_WORDS: Record<Verdict, string> = {
  win: 'clear win',
  loss: 'clear loss',
  undecided: 'undecided',
};

/** One test as the tables print it: `+0.044 [+0.006, +0.091], d_z 1.40, p 0.035, undecided` (p corrected). */
export function formatTest(x: {
  mean: number;
  low: number;
  high: number;
  dz?: number | null;
  pHolm?: number | null;
  verdict: Verdict;
}): string {
  const number = (v: number | null | undefined, f: (v: number) => string) =>
    v === null || v === undefined || Number.isNaN(v) ? '—' : f(v);
  const dz = number(x.dz, (v) => (Number.isFinite(v) ? v.toFixed(2) : v > 0 ? 'inf' : '-inf'));
  const p = number(x.pHolm, (v) => (v < 0.001 ? '<0.001' : v.toFixed(3)));
  const interval = Number.isNaN(x.low) ? '[—]' : `[${signed(x.low)}, ${signed(x.high)}]`;
  return `${number(x.mean, signed)} ${interval}, d_z ${dz}, p ${p}, ${VERDICT_WORDS[x.verdict]}`;
}

const METRIC_NAMES: Record<Metric, string> = {
  rubricScore: 'rubric',
  worstScore: 'worst',
  allPassRate: 'all-pass',
};

/**
 * Paired t tests of every variant that is not a baseline (static, gdpo, worst, sa-mrpo) against
 * the best of the static aggregations chosen on the other seeds, and against each baseline variant
 * alone, on every metric, per task x size; Holm's correction over the whole output, one family per
 * comparison (the best of, and each baseline method alone).
 */
export function formatTests(results: readonly RunResult[]): string {
  const cellOf = (r: RunResult) => `${r.config.task} / ${r.config.model.size}`;
  const cells = [...new Set(results.map(cellOf))];
  type Entry = { family: string; test: PairedT; p: number };
  const entries: Entry[] = [];
  const tables = cells.map((cell) => {
    const runs = results.filter((r) => cellOf(r) === cell);
    const finals = finalsOf(runs);
    const methodOf = new Map(finals.map((f) => [f.variant, f.method]));
    const candidates = [...methodOf].filter(([, m]) => !SEPARATE_BASELINES.includes(m)).map(([v]) => v);
    const baselines = [...methodOf].filter(([, m]) => SEPARATE_BASELINES.includes(m)).map(([v]) => v);
    const rows = candidates.flatMap((candidate) =>
      METRICS.flatMap((metric) => {
        const t = metricTests(finals, metric, candidate);
        if (!t) return [];
        const best: Entry = { family: 'best of', test: t.bestOf.test, p: t.bestOf.test.p };
        entries.push(best);
        const alone = baselines.map((name) => {
          const x = t.separate.find((s) => s.baseline === name);
          if (!x) return undefined;
          const entry = { family: String(methodOf.get(name)), test: x.test, p: x.test.p };
          entries.push(entry);
          return entry;
        });
        return [{ candidate, metric, label: t.bestOf.baseline, best, alone }];
      }),
    );
    return { cell, baselines, rows };
  });
  // Holm within each family, over every cell of the output.
  const adjusted = new Map<Entry, number>();
  for (const family of new Set(entries.map((e) => e.family))) {
    const members = entries.filter((e) => e.family === family);
    holm(members.map((e) => e.p)).forEach((p, i) => adjusted.set(members[i], p));
  }
  const show = (e: Entry | undefined) => {
    if (!e) return '—';
    const p = adjusted.get(e) ?? Number.NaN;
    return formatTest({ ...e.test, pHolm: p, verdict: verdictAt(e.test, p) });
  };
  const blocks = tables
    .filter((t) => t.rows.length > 0)
    .map((t) => {
      const header = [
        'variant',
        'metric',
        'best of (chosen on the other seeds)',
        ...t.baselines.map((b) => `vs ${b}`),
      ];
      const rows = t.rows.map((r) => [
        r.candidate,
        METRIC_NAMES[r.metric],
        `${show(r.best)} (${r.label})`,
        ...r.alone.map(show),
      ]);
      return `${cells.length > 1 ? `${t.cell}:\n` : ''}${table(header, rows)}`;
    });
  if (blocks.length === 0)
    return 'no variant to test: the tests need a static, gdpo or worst variant and another';
  return printableLines(
    [
      "paired t tests: mean difference [95% t interval, n - 1 df], Cohen's d_z, p after Holm over this output",
      '(one family per comparison), verdict at 0.05; the best of static, gdpo and worst is chosen for each seed',
      'on the other seeds (how often each was chosen in brackets)',
      ...blocks,
    ].join('\n'),
  );
}

/**
 * Per variant, how the run got where it ended: criterion means of the training batches (judged,
 * so a noisy judge's noise is in them) and the effective weights, per window of `size` steps.
 */
export function formatWindows(results: readonly RunResult[], size: number): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '—');
  const names = [...new Set(results.map((r) => r.variant))];
  return names
    .map((name) => {
      const runs = results.filter((r) => r.variant === name);
      const ids = runs[0].criterionIds;
      const windows = stepWindows(runs, ids.length, size);
      const rows = windows.map((w, i) => [
        `${i === 0 ? 1 : windows[i - 1].lastStep + 1}-${w.lastStep}`,
        ...w.criterionMeans.map(f),
        w.effectiveWeights.map(f).join(' '),
      ]);
      const title = `${name}: training batches' criterion means and effective weights, ${size}-step windows, ${runs.length} run${runs.length === 1 ? '' : 's'}`;
      return printableLines([title, table(['steps', ...ids, `weights (${ids.join(' ')})`], rows)].join('\n'));
    })
    .join('\n\n');
}

/**
 * Per variant and criterion, the final held-out score (exact rule): mean over the finished runs and
 * the lowest of them, e.g. `0.78 (0.59)`. Criteria are matched by id, so variants whose rubrics
 * differ share a column only where they share a criterion.
 */
export function formatCriterionFinals(results: readonly RunResult[]): string {
  const finished = results.filter((r) => !r.failure && r.evals.length > 0);
  const ids = [...new Set(finished.flatMap((r) => r.criterionIds))];
  const names = [...new Set(finished.map((r) => r.variant))];
  const rows = names.map((name) => {
    const runs = finished.filter((r) => r.variant === name);
    return [
      name,
      ...ids.map((id) => {
        const ends = runs
          .map((r) => r.evals[r.evals.length - 1].criterionMeans[r.criterionIds.indexOf(id)])
          .filter((x) => x !== undefined && Number.isFinite(x));
        if (ends.length === 0) return '—';
        const mean = ends.reduce((a, b) => a + b, 0) / ends.length;
        return `${mean.toFixed(2)} (${Math.min(...ends).toFixed(2)})`;
      }),
    ];
  });
  return [
    'final held-out score per criterion: mean over seeds (lowest seed)',
    table(['variant', ...ids], rows),
  ].join('\n');
}

/** The variant names in `list` (comma-separated; all of `have` when absent), or a message naming the first that is not there. */
export function chooseVariants(have: readonly string[], list: string | undefined): Set<string> | string {
  if (list === undefined) return new Set(have);
  const wanted = list.split(',').map((v) => v.trim());
  const missing = wanted.find((v) => !have.includes(v));
  if (missing === undefined) return new Set(wanted);
  const shown =
    have.length > 12 ? `${have.slice(0, 12).join(', ')}, ... (${have.length} in all)` : have.join(', ');
  return printable(`--variants: no variant "${missing}"; the variants are ${shown}`);
}
