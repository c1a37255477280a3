/** Plain-text tables for the terminal. */
import type { RunResult } from '../core/records/run-result';

/**
 * Text from a file (a variant's or an experiment's name) made safe to print: control characters and
 * bidirectional overrides, which could move the cursor, recolour the terminal or reorder what is
 * shown, are written as `\x1b` / `\u202e` escapes instead.
 */
export function printable(text: string): string {
  // Matching control characters is the point here.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}

/** `printable` line by line: the line breaks of a whole table or message are kept. */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  header = header.map(printable);
  rows = rows.map((row) => row.map(printable));
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
