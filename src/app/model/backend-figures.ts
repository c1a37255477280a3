/** The backend probe's figures as the header shows them: the choice, a short summary, details. */
import type { BackendChoiceResult, BackendFigure } from '../../client/backend-choice';

const ms = (x: number): string => `${Math.round(x)} ms`;

/** The backend, and "fused" where a fused engine trained its probe. */
const label = (f: BackendFigure): string =>
  f.engine === 'wasm-fused' || f.engine === 'webgpu-fused' ? `${f.backend} (fused)` : f.backend;

function line(f: BackendFigure): string {
  const kind = f.software ? ' (software GPU)' : '';
  if (f.msStep === null) return `${f.backend}${kind}: ${f.note ?? 'not measured'}`;
  return (
    `${label(f)}${kind}: ${ms(f.msStep)} per step (start ${ms(f.msInit ?? 0)}, first step ` +
    `${ms(f.msFirstStep ?? 0)})${f.note ? `; ${f.note}` : ''}`
  );
}

export function describeChoice(choice: BackendChoiceResult): {
  chosen: string;
  summary: string;
  details: string[];
} {
  const measured = choice.figures.filter((f) => f.msStep !== null).sort((a, b) => a.msStep! - b.msStep!);
  const summary =
    measured.map((f) => `${label(f)} ${ms(f.msStep!)}/step`).join(', ') || 'no backend finished its probe';
  return {
    chosen: choice.order[0],
    summary,
    details: [
      `Measured for the ${choice.size} model in ${(choice.msTotal / 1000).toFixed(1)} s on ${choice.measuredAt}` +
        ` (app ${choice.appVersion}); kept in this browser until re-measured.`,
      ...choice.figures.map(line),
    ],
  };
}
