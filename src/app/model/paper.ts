/**
 * The Paper reproduction view's data: the compact results that `lab paper` writes to
 * public/paper/results.json, fetched and validated like any other input, and the experiment of
 * one cell for the editor.
 */
import {
  paperResultsSchema,
  type PaperCell,
  type PaperResults,
  type PaperStatistic,
} from '../../core/records/paper-results';
import { problemsOf, type Parsed } from '../../core/validation';

/** Where the results lie, relative to the page (the build uses relative asset URLs). */
export const PAPER_RESULTS_PATH = 'paper/results.json';

export async function loadPaperResults(base: string): Promise<Parsed<PaperResults>> {
  const url = new URL(PAPER_RESULTS_PATH, base);
  let data: unknown;
  try {
    const response = await fetch(url);
    if (!response.ok)
      return {
        ok: false,
        problems: [{ path: '', message: `${PAPER_RESULTS_PATH}: HTTP ${response.status}` }],
      };
    data = await response.json();
  } catch (error) {
    return {
      ok: false,
      problems: [
        { path: '', message: `${PAPER_RESULTS_PATH}: ${error instanceof Error ? error.message : error}` },
      ],
    };
  }
  const parsed = paperResultsSchema.safeParse(data);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        problems: problemsOf(parsed.error).map((p) => ({ ...p, path: `${PAPER_RESULTS_PATH}: ${p.path}` })),
      };
}

/** The cell's experiment: the paper's base file with the cell's task and size (validated on load). */
export function cellExperiment(results: PaperResults, cell: PaperCell): Record<string, unknown> {
  const { rubric: _rubric, ...base } = results.experiment;
  return {
    ...base,
    name: `Paper cell: ${cell.task} / ${cell.size}`,
    task: cell.task,
    model: { size: cell.size },
  };
}

const signed = (x: number): string => `${x >= 0 ? '+' : ''}${x.toFixed(3)}`;

export const VERDICT_LABELS = { win: 'clear win', loss: 'clear loss', undecided: 'undecided' } as const;

const pText = (p: number | null | undefined) =>
  p === null || p === undefined ? '—' : p < 0.001 ? '<0.001' : p.toFixed(3);

/**
 * "+0.031 [-0.010, +0.070], d_z 0.62, Holm p 1.000, undecided, vs gdpo 4, static 1, 5 seeds (paired t)";
 * a file written before the t tests says "(paired bootstrap)" and has no d_z or p.
 */
export function statisticText(s: PaperStatistic): string {
  const base = `${signed(s.mean)} [${signed(s.low)}, ${signed(s.high)}]`;
  const tail = `vs ${s.baseline}, ${s.n} seeds`;
  if (s.test !== 'paired-t') return `${base}, ${VERDICT_LABELS[s.verdict]}, ${tail} (paired bootstrap)`;
  const dz = s.dz === null || s.dz === undefined ? '—' : s.dz.toFixed(2);
  return `${base}, d_z ${dz}, Holm p ${pText(s.pHolm)}, ${VERDICT_LABELS[s.verdict]}, ${tail} (paired t)`;
}

/** Each baseline alone, one line each: "vs static: +0.046 [+0.006, +0.086], d_z 1.45, Holm p 1.000, undecided". */
export function separateTexts(s: PaperStatistic): string[] {
  return (s.separate ?? []).map(
    (x) =>
      `vs ${x.baseline}: ${signed(x.mean)} [${signed(x.low)}, ${signed(x.high)}], d_z ${x.dz === null ? '—' : x.dz.toFixed(2)}, Holm p ${pText(x.pHolm)}, ${VERDICT_LABELS[x.verdict]}`,
  );
}

export function cellOf(results: PaperResults, task: string, size: string): PaperCell | undefined {
  return results.cells.find((c) => c.task === task && c.size === size);
}

/**
 * The link that opens the paper view: `#paper`, `#paper/<task>/<size>` with that cell open, or
 * `#paper/dial` on the Dial tab.
 */
export const PAPER_HASH = '#paper';
export const DIAL_HASH = '#paper/dial';

/** What a location hash asks of the paper view: nothing (null), the grid, the grid and one cell, or the dial. */
export function paperLink(hash: string): { task: string; size: string } | 'grid' | 'dial' | null {
  if (hash === PAPER_HASH) return 'grid';
  if (hash === DIAL_HASH) return 'dial';
  const m = /^#paper\/([a-z][a-z0-9-]*)\/([a-z]+)$/.exec(hash);
  return m ? { task: m[1], size: m[2] } : null;
}

/** What the cell's chart shows: the rubric score, or one criterion's score or effective weight. */
export type CurveChoice = { kind: 'rubric' } | { kind: 'score' | 'weight'; criterion: number };

export interface MethodCurve {
  method: string;
  steps: number[];
  mean: number[];
  std: number[];
}

/** The choices a cell offers: per-criterion curves only where its file kept them. */
export function curveChoices(cell: PaperCell): { label: string; choice: CurveChoice }[] {
  const kept = Object.values(cell.methods).some((m) => m.criterionScores !== undefined);
  const rubric = { label: 'rubric score', choice: { kind: 'rubric' } as CurveChoice };
  if (!kept) return [rubric];
  return [
    rubric,
    ...cell.criteria.map((name, k) => ({
      label: `${name}: score`,
      choice: { kind: 'score', criterion: k } as CurveChoice,
    })),
    ...cell.criteria.map((name, k) => ({
      label: `${name}: effective weight`,
      choice: { kind: 'weight', criterion: k } as CurveChoice,
    })),
  ];
}

/** Per method in `methods` (those the cell has), the curve the choice names, mean and std over seeds. */
export function cellCurves(
  cell: PaperCell,
  methods: readonly string[],
  choice: CurveChoice,
): (MethodCurve | null)[] {
  return methods.map((method) => {
    const m = cell.methods[method];
    if (!m) return null;
    if (choice.kind === 'rubric') return { method, steps: m.steps, mean: m.mean, std: m.std };
    const band = (choice.kind === 'score' ? m.criterionScores : m.criterionWeights)?.[choice.criterion];
    return band && m.criterionSteps
      ? { method, steps: m.criterionSteps, mean: band.mean, std: band.std }
      : null;
  });
}
