/** Plain-text tables for the terminal. */
import type { RunResult } from '../core/train/run';

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** First and last evaluation, per criterion and overall. */
export function formatEvalTable(result: RunResult): string {
  const first = result.evals[0];
  const last = result.evals[result.evals.length - 1];
  const f = (x: number) => x.toFixed(3);
  const rows = result.criterionIds.map((id, k) => [
    `${result.criterionNames[k]} (${id})`,
    f(first.criterionMeans[k]),
    f(last.criterionMeans[k]),
  ]);
  rows.push(['rubric score', f(first.rubricScore), f(last.rubricScore)]);
  rows.push(['worst criterion', f(first.worstScore), f(last.worstScore)]);
  rows.push(['all-pass rate', f(first.allPassRate), f(last.allPassRate)]);
  return table(['held-out evaluation', `step ${first.step}`, `step ${last.step}`], rows);
}
