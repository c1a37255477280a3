/**
 * The tables `lab compare` prints, from run records alone (no training): the paired comparison per
 * task x size, each criterion's final held-out score, and the step windows of each variant; and
 * the choice of variants by name. `lab paper` reuses the finals.
 */
import {
  compareVariants,
  formatMeanStd,
  type ComparisonTable,
  type PairedComparison,
} from '../core/experiment/compare';
import { stepWindows } from '../core/experiment/windows';
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
      'paired columns: wins/pairs on the same seeds, ties, and the mean difference'
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
