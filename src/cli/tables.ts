/** Plain-text tables for the terminal. */
import type { RunResult } from '../core/train/run-result';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** First and last evaluation (one column when there is one), per criterion and overall. */
export function formatEvalTable(result: RunResult): string {
  const first = result.evals[0];
  const last = result.evals[result.evals.length - 1];
  const shown = first === last ? [first] : [first, last];
  const f = (x: number) => x.toFixed(3);
  const rows = result.criterionIds.map((id, k) => [
    `${result.criterionNames[k]} (${id})`,
    ...shown.map((e) => f(e.criterionMeans[k])),
  ]);
  rows.push(['rubric score', ...shown.map((e) => f(e.rubricScore))]);
  rows.push(['worst criterion', ...shown.map((e) => f(e.worstScore))]);
  rows.push(['all-pass rate', ...shown.map((e) => f(e.allPassRate))]);
  return table(['held-out evaluation', ...shown.map((e) => `step ${e.step}`)], rows);
}
